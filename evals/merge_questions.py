"""Merge the per-author question files in evals/questions/ into evals/retrieval_questions.yaml."""

from pathlib import Path

import yaml

here = Path(__file__).resolve().parent
items = []
for path in sorted((here / "questions").glob("*.yaml")):
    for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        items.append({k: item[k] for k in ("question", "expected", "unanswerable") if k in item})
header = ("# Retrieval eval: German questions as users ask them (short, colloquial, some with typos).\n"
          "# expected = ids of documents that answer it; unanswerable: true = the corpus has nothing on it.\n"
          "# Generated from evals/questions/*.yaml by evals/merge_questions.py; edit those files.\n")
(here / "retrieval_questions.yaml").write_text(
    header + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
print(f"{len(items)} questions, {sum(1 for i in items if i.get('unanswerable'))} unanswerable")
