import { SchoolParams } from '../../../src/shared/api.js';
import {
  ImportFailure,
  ImportQuery,
  ImportReport,
  ImportUploadFields,
} from '../../../src/shared/roster-api.js';
import { AppError, badRequest } from '../../domain/errors.js';
import { importRoster } from '../../domain/roster-import.js';
import { requireAdmin } from '../../domain/admin.js';
import { readImportUpload } from '../roster-upload.js';
import { route } from '../route-table.js';

export const importRoutes = [
  route({
    method: 'POST',
    url: '/api/admin/schools/:schoolId/imports',
    summary:
      'Import a OneRoster 1.2 CSV export (its CSV files each as a `file` part, or one zip): with dry_run=true, what would change and the rows in error; else all or nothing',
    tag: 'admin',
    auth: 'user',
    school: 'params',
    params: SchoolParams,
    query: ImportQuery,
    multipart: ImportUploadFields,
    response: ImportReport,
    errorBodies: { 422: ImportFailure },
    otherResponses: {
      422: 'invalid_import: rows of the export have errors (in report.errors); nothing was imported',
    },
    async handler({ req, user, params, query, dom, services }) {
      if (!req.isMultipart())
        throw new AppError(415, 'unsupported_media_type', 'send the export as multipart/form-data');
      // Refused before the upload is read: a non-administrator's bytes are not even looked at.
      await requireAdmin(dom.db, user!.id, params.schoolId);
      const files = await readImportUpload(req, services.config.MAX_IMPORT_MB);
      if (files.size === 0)
        throw badRequest('file', 'send the CSV files of the export, or one zip, as "file" parts');
      return importRoster(dom, user!.id, params.schoolId, files, query.dry_run === 'true');
    },
  }),
];
