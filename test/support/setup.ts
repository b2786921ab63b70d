import 'reflect-metadata';
import { Logger } from '@nestjs/common';

// Unit tests that build services without an application would otherwise print Nest's default log lines.
Logger.overrideLogger(false);
