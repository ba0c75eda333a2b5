"""CSV contact import: upload, column mapping and preview, a resumable background job.

`csv_source` reads the file's dialect and numbered records, `columns` maps them to
contact fields, `rows` validates one record with the contact book's own checks,
`chunk_write` stores a chunk set-based as `upsert_contact` would row by row, `job` runs
the chunks with a committed cursor, and `setup` is what pages and the API call.
"""
