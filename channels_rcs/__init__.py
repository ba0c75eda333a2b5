"""RCS Business Messaging channel (Google-RBM-compatible). Built in its own issue."""
