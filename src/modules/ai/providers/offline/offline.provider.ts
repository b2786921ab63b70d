import { Injectable } from '@nestjs/common';
import type {
  AiProvider,
  ImageRequest,
  ImageResponse,
  TextFunction,
  TextInputs,
  TextOutputs,
  TextRequest,
  TextResponse,
} from '../ai-provider.js';
import { writeArticle } from './article.js';
import { clusterKeywords } from './clustering.js';
import { renderPromptImage } from './image.js';
import { imagePrompts } from './image-prompts.js';
import { generateIdeas } from './ideas.js';
import { suggestLinks } from './links.js';
import { optimizeArticle } from './optimize.js';

type Answerers = { [F in TextFunction]: (input: TextInputs[F]) => TextOutputs[F] };

const ANSWERERS: Answerers = {
  auto_cluster: clusterKeywords,
  generate_ideas: generateIdeas,
  generate_content: writeArticle,
  generate_image_prompts: imagePrompts,
  optimize_content: optimizeArticle,
  link_content: suggestLinks,
};

function answer<F extends TextFunction>(fn: F, input: TextInputs[F]): TextOutputs[F] {
  return ANSWERERS[fn](input);
}

/**
 * The offline provider (docs/domain-model.md#ai-engine): answers every text function from its structured
 * input and draws images from their prompt, deterministically and without any network call. Token counts are
 * a quarter of the characters of the prompt and of the answer, rounded up.
 */
@Injectable()
export class OfflineProvider implements AiProvider {
  readonly name = 'offline';

  async complete(request: TextRequest, signal: AbortSignal): Promise<TextResponse> {
    signal.throwIfAborted();
    const text = JSON.stringify(answer(request.function, request.input));
    return { text, tokensInput: estimateTokens(request.prompt), tokensOutput: estimateTokens(text) };
  }

  async generateImage(request: ImageRequest, signal: AbortSignal): Promise<ImageResponse> {
    signal.throwIfAborted();
    const data = await renderPromptImage(request.prompt, request.size);
    signal.throwIfAborted();
    return { data };
  }
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
