/* Made by tools/extension.py from backend/papershelf/sites/<name>/site.json: the sites PaperShelf reads. */
"use strict";

globalThis.PaperShelfSites = Object.freeze([{"name": "huggingface", "label": "Hugging Face Papers", "badge": "HF"}, {"name": "arxiv", "label": "arXiv", "badge": "arXiv"}, {"name": "openreview", "label": "OpenReview", "badge": "OpenReview"}, {"name": "acl", "label": "ACL Anthology", "badge": "ACL"}, {"name": "pmlr", "label": "PMLR", "badge": "PMLR"}, {"name": "neurips", "label": "NeurIPS Proceedings", "badge": "NeurIPS"}, {"name": "cvf", "label": "CVF Open Access", "badge": "CVF"}, {"name": "dblp", "label": "dblp", "badge": "dblp"}, {"name": "scholar", "label": "Google Scholar", "badge": "Scholar"}]);
