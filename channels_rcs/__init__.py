"""RCS Business Messaging channel (Google-RBM-compatible), with a local sandbox provider."""
