import { describe, expectTypeOf, it } from 'vitest';
import type { ContentDto } from './dto/content.dto.js';
import type { ContentImagesDto, ImageDto } from './dto/image.dto.js';
import type { TaskDto } from './dto/task.dto.js';
import type { ContentView } from './content.service.js';
import type { ContentImagesView, ImageView } from './images.service.js';
import type { TaskView } from './tasks.service.js';

/** The relations TypeORM can load onto a writer entity: never loaded for a response, not fields of it. */
type Relations =
  | 'account'
  | 'site'
  | 'sector'
  | 'created_by_user'
  | 'deleted_by_user'
  | 'cluster'
  | 'idea'
  | 'taxonomy_term'
  | 'task'
  | 'content';

type Fields<View> = Exclude<keyof View, Relations>;

describe('writer response shapes', () => {
  it('each view has exactly the fields of its response DTO', () => {
    expectTypeOf<Fields<TaskView>>().toEqualTypeOf<keyof TaskDto>();
    expectTypeOf<Fields<ContentView>>().toEqualTypeOf<keyof ContentDto>();
    expectTypeOf<Fields<ImageView>>().toEqualTypeOf<keyof ImageDto>();
    expectTypeOf<keyof ContentImagesView>().toEqualTypeOf<keyof ContentImagesDto>();
  });
});
