import type { IRequest, IResource, RenderResult } from '../interfaces.js';
import { FormParseError } from './form-errors.js';
import type { FormLimits } from './form-limits.js';
import { parseFormBody } from './forms.js';
import type { UploadedFile } from './multipart-form.js';
import { ErrorPage } from './resource.js';

const uploadedFiles = new WeakMap<IRequest, Map<string, UploadedFile[]>>();

/**
 * The files of a multipart/form-data request, by field name; empty when there were none. The
 * Site fills it, with request.args, before the resource renders.
 */
export function getUploadedFiles(request: IRequest): ReadonlyMap<string, readonly UploadedFile[]> {
  return uploadedFiles.get(request) ?? new Map<string, UploadedFile[]>();
}

type ArgsTarget = IRequest & { addArg?(name: string, value: string): void };

/**
 * Stands in for the resource of a request whose body is a form: when the channel renders it —
 * once the body is complete — it parses the body into request.args (after the query's
 * arguments) and the uploaded files, then renders `resource`. A malformed body is answered 400
 * and a body past the FormLimits 413, and `resource` never sees the request.
 *
 * The Site puts it in front of the resource that traversal found (traversal runs before the
 * body arrives); resources that stream their body are never wrapped.
 */
export class FormParsingResource implements IResource {
  readonly isLeaf = true;

  constructor(
    readonly resource: IResource,
    private readonly limits: FormLimits,
  ) {}

  getChildWithDefault(_name: string, _request: IRequest): IResource {
    return this;
  }

  putChild(_name: string, _child: IResource): void {
    throw new TypeError('FormParsingResource has no children: it only wraps a found resource.');
  }

  render(request: IRequest): RenderResult {
    let form;
    try {
      form = parseFormBody(request.getHeader('content-type'), request.content, this.limits);
    } catch (error) {
      if (!(error instanceof FormParseError)) throw error;
      const brief = error.status === 413 ? 'Content Too Large' : 'Bad Request';
      return new ErrorPage(error.status, brief, error.message).render(request);
    }
    if (form !== null) {
      for (const [name, values] of form.args) {
        for (const value of values) addArg(request as ArgsTarget, name, value);
      }
      if (form.files.size > 0) uploadedFiles.set(request, form.files);
    }
    return this.resource.render(request);
  }
}

function addArg(request: ArgsTarget, name: string, value: string): void {
  if (typeof request.addArg === 'function') {
    request.addArg(name, value);
    return;
  }
  // A request without addArg (a test double): its args map is mutable in practice.
  const args = request.args as Map<string, string[]>;
  const values = args.get(name);
  if (values === undefined) args.set(name, [value]);
  else values.push(value);
}
