import { Injectable } from '@nestjs/common';
import { AutoClusterFunction } from '../functions/auto-cluster.function.js';
import { GenerateContentFunction } from '../functions/generate-content.function.js';
import { GenerateIdeasFunction } from '../functions/generate-ideas.function.js';
import { GenerateImagePromptsFunction } from '../functions/generate-image-prompts.function.js';
import { GenerateImagesFunction } from '../functions/generate-images.function.js';
import type { AiFunction } from './ai-function.js';

/**
 * The registered AI functions, by name (docs/domain-model.md#ai-engine): the engine's own, and those of the
 * modules above it (optimizer, linker), which register themselves when their module starts.
 */
@Injectable()
export class AiFunctionRegistry {
  private readonly functions: Map<string, AiFunction>;

  constructor(
    autoCluster: AutoClusterFunction,
    ideas: GenerateIdeasFunction,
    content: GenerateContentFunction,
    imagePrompts: GenerateImagePromptsFunction,
    images: GenerateImagesFunction,
  ) {
    const all: AiFunction[] = [autoCluster, ideas, content, imagePrompts, images];
    this.functions = new Map(all.map((fn) => [fn.name, fn]));
  }

  /** Adds a function of another module (once, at start-up). */
  register(fn: AiFunction): void {
    if (this.functions.has(fn.name)) throw new Error(`The AI function "${fn.name}" is registered twice`);
    this.functions.set(fn.name, fn);
  }

  get(name: string): AiFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`No AI function is registered as "${name}"`);
    return fn;
  }
}
