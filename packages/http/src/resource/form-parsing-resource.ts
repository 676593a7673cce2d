// FormParsingResource is gone: the Site parses form bodies in its parseBodyArgs() and the
// channel answers their errors with 400/413/415. This path still re-exports getUploadedFiles
// for code that imported it from here; import it from '@tw/http' instead.
export { getUploadedFiles } from './uploaded-files.js';
