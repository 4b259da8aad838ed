#!/usr/bin/env python3
"""validate_schema.py SCHEMA DOC: validates a JSON document against the OCI
JSON schema (whose $refs point at sibling files), printing every error."""
import json
import os
import sys

import jsonschema

schema_path, doc_path = sys.argv[1], sys.argv[2]
base = os.path.dirname(os.path.abspath(schema_path))
with open(schema_path) as f:
    schema = json.load(f)
resolver = jsonschema.RefResolver(base_uri="file://" + base + "/", referrer=schema)
validator = jsonschema.Draft4Validator(schema, resolver=resolver)
with open(doc_path) as f:
    doc = json.load(f)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path), ":", e.message)
sys.exit(1 if errors else 0)
