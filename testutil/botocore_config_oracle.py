#!/usr/bin/python3
"""Shared-config oracle: reads a corpus of tricky ~/.aws/config and ~/.aws/credentials texts with
botocore's own reader (raw_config_parse, and load_config for the config file's profiles and
sso-sessions) and prints, per text, what botocore made of it, as JSON.

src/aws/aws_config_file_test.cc parses the same texts with s3proc's reader and compares: a text
botocore refuses must be refused, and every other must give the same sections and profiles.
Nested blocks ("s3 =\\n  addressing_style = path") are flattened to "s3.addressing_style".
"""
import json
import os
import sys
import tempfile

import botocore.configloader as configloader
import botocore.exceptions

CORPUS = {
    "inline comments are part of the value":
        "[default]\nregion = us-east-1 # the comment\noutput = json ;x\nk = a#b\n"
        "# a comment line\n; another\n  # an indented comment\n",
    "a repeated section is refused": "[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3\n",
    "a repeated property is refused": "[a]\nx = 1\nX = 2\n",
    "continuation lines": "[a]\nlist = one\n  two\n\n  three\n# gap\n  four\nnext = n\n\n\n",
    "an indented line after a blank line continues":
        "[a]\nx = 1\n\n  y = 2\n[b]\nz = 3\n",
    "nested blocks": "[default]\ns3 =\n  addressing_style = path\n  Max_Concurrent = 20\n"
                     "\n  use_arn_region=true\nregion = r\n",
    "a nested line without = is refused": "[a]\ns3 =\n  addressing_style\n",
    "profile prefixes": "[default]\nregion = d\n[profile dev]\nregion = e\n[x]\nregion = x\n"
                        "[profile   spaced  ]\nregion = s\n[ profile z ]\nregion = z\n"
                        "[profile \"a b\"]\nregion = q\n[profile]\nregion = p\n"
                        "[profile a b]\nregion = ab\n[profilex y]\nregion = y\n"
                        "[sso-session corp]\nsso_region = us-east-1\n"
                        "[services local]\ns3 =\n  endpoint_url = http://localhost:9000\n",
    "profile default after default replaces it":
        "[default]\nregion = a\noutput = json\n[profile default]\nregion = b\n",
    "default after profile default replaces it":
        "[profile default]\nregion = b\n[default]\nregion = a\n",
    "colon is a delimiter too": "[a]\nregion: eu-west-1\nurl = http://h:9000\nk:v = w\n",
    "the DEFAULT section is inherited":
        "[DEFAULT]\nregion = d\ns3 =\n  addressing_style = path\n[a]\nx = 1\n[b]\nregion = b\n"
        "[DEFAULT]\noutput = json\n",
    "line endings": "[a]\r\nx = 1\r\ny = 2\r[b]\rz = 3\r\n",
    "a property before any section is refused": "x = 1\n[a]\n",
    "a line that is no property is refused": "[a]\nx = 1\nthis is not valid\n",
    "an empty header is no header": "[]\nx = 1\n",
    "a property with no name is refused": "[a]\n= 1\n",
    "text after a header is ignored": "[a] # comment\nx = 1\n[b]] trailing\ny = 2\n",
    "keys are lower-cased, values kept":
        "[a]\nAWS_Access_Key_ID = AKIAEXAMPLE\naws_secret_access_key=sec/ret+key=\n"
        "token = FQo=abc==\nempty =\nalso_empty=\n",
    "uniform indentation": "[default]\n  aws_access_key_id = AKIA\n  s3 =\n    addressing_style = path"
                           "\n  region = r\n",
    "indented after a header": "[a]\n  x = 1\n    more\n  y = 2\n",
    "tabs": "[a]\nx = 1\n\ty\n\tz = 2\n",
    "indented header continues a value": "[a]\nx = 1\n  [b]\ny = 2\n",
    "unclosed header": "[a\nx = 1\n",
    "empty": "",
    "only comments": "# nothing\n; here\n\n",
}


def flatten(section):
    flat = {}
    for key, value in section.items():
        if isinstance(value, dict):
            for nested, nested_value in value.items():
                flat[key + "." + nested] = nested_value
        else:
            flat[key] = value
    return flat


def read(text):
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False, newline="") as f:
        f.write(text)
    try:
        try:
            raw = configloader.raw_config_parse(f.name)
        except botocore.exceptions.ConfigParseError:
            return {"error": True}
        config = configloader.build_profile_map(raw)
        return {
            "error": False,
            "sections": [[name, flatten(values)] for name, values in raw.items()],
            "config_profiles": {k: flatten(v) for k, v in config["profiles"].items()},
            "config_sso_sessions": {k: flatten(v) for k, v in config["sso_sessions"].items()},
        }
    finally:
        os.unlink(f.name)


def main():
    out = [dict(name=name, text=text, **read(text)) for name, text in CORPUS.items()]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
