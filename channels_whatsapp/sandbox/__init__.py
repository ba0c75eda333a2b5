"""WhatsApp Business (Cloud API) sandbox: a local fake of the Graph API."""
