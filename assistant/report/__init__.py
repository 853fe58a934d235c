"""Report blocks and their renderers (Markdown, PDF, DOCX)."""
