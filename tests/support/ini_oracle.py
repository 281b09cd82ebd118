"""What botocore itself reads from many ~/.aws files, in one process.

Usage: python ini_oracle.py DIR

DIR/manifest.txt has one `NAME KIND` per line: KIND `cred` reads DIR/NAME as botocore reads
~/.aws/credentials (`raw_config_parse`), `config` as it reads ~/.aws/config (`load_config`).
Writes DIR/results.json: {NAME: {"ok": parsed, "defaults": {...}} or {"error": ..., "line": N}}.
`defaults` is the file's [DEFAULT] section (which configparser reads into every section), so a
caller can tell what a section that does not exist yet will be read as once it does.
"""

import configparser
import json
import os
import sys

import botocore.configloader as loader
import botocore.exceptions


def line_of(error):
    """The line number configparser gives for an error, or None (botocore's nested blocks)."""
    if getattr(error, "lineno", None) is not None:
        return error.lineno
    if isinstance(error, configparser.ParsingError):
        return error.errors[0][0]
    return None


def defaults_of(path):
    cp = configparser.RawConfigParser()
    cp.read([path])
    out = {}
    for key, value in cp.defaults().items():
        if value.startswith("\n"):
            try:
                value = loader._parse_nested(value)
            except ValueError:
                pass
        out[key] = value
    return out


def read(path, kind):
    try:
        if kind == "cred":
            parsed = loader.raw_config_parse(path)
        else:
            parsed = loader.load_config(path)
    except botocore.exceptions.ConfigParseError as e:
        cause = e.kwargs.get("error")
        return {"error": f"{type(cause).__name__}: {cause}", "line": line_of(cause)}
    return {"ok": parsed, "defaults": defaults_of(path)}


def main():
    folder = sys.argv[1]
    results = {}
    with open(os.path.join(folder, "manifest.txt"), encoding="utf-8") as manifest:
        for entry in manifest:
            name, kind = entry.split()
            results[name] = read(os.path.join(folder, name), kind)
    with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main()
