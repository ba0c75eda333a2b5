"""Message templates: content-spec documents with `{{placeholders}}`, rendered per
recipient before anything is queued (`placeholders`), the SMS text version (`sms`), the
gallery to start from (`gallery`) and the audited writes (`save`)."""
