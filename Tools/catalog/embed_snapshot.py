#!/usr/bin/env python3
"""Writes Sources/ModelCatalog/CatalogSnapshot+Data.swift from Tools/catalog/catalog-snapshot.json (run after editing it)."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parents[2]
data = json.loads((root / "Tools/catalog/catalog-snapshot.json").read_text())
# One model a line: the file stays short (the package keeps every source file under 400 lines).
head = {key: value for key, value in data.items() if key != "models"}
lines = [json.dumps(model, ensure_ascii=False) for model in data["models"]]
text = json.dumps(head, ensure_ascii=False)[:-1] + ', "models": [\n' + ",\n".join(lines) + "\n]}"
assert '"""#' not in text
(root / "Sources/ModelCatalog/CatalogSnapshot+Data.swift").write_text(
    "// Written by Tools/catalog/embed_snapshot.py from Tools/catalog/catalog-snapshot.json: edit those, not this file.\n\n"
    "/// The catalogue snapshot shipped inside the binary (no resource bundle to install beside it).\n"
    "enum CatalogSnapshot {\n    static let json = #\"\"\"\n" + text + "\n\"\"\"#\n}\n"
)
