"""The consultation brief: `blocks` (the content, once) and its three renderers `markdown`, `pdf`, `docx`."""

from assistant.report.blocks import Block, brief_blocks, file_stem, shorten, split_sentences, when
from assistant.report.docx import export_docx
from assistant.report.markdown import export_markdown
from assistant.report.pdf import export_pdf

__all__ = ["Block", "brief_blocks", "export_docx", "export_markdown", "export_pdf", "file_stem", "shorten",
           "split_sentences", "when"]
