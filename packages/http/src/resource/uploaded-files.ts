import type { IRequest } from '../interfaces.js';
import type { UploadedFile } from './multipart-form.js';

const uploadedFiles = new WeakMap<IRequest, Map<string, UploadedFile[]>>();

/**
 * The files of a multipart/form-data request, by field name; empty when there were none. The
 * Site fills it, with request.args, before the resource renders.
 */
export function getUploadedFiles(request: IRequest): ReadonlyMap<string, readonly UploadedFile[]> {
  return uploadedFiles.get(request) ?? new Map<string, UploadedFile[]>();
}

/** Record the files parsed from `request`'s body (the Site's parseBodyArgs). */
export function setUploadedFiles(request: IRequest, files: Map<string, UploadedFile[]>): void {
  uploadedFiles.set(request, files);
}
