"""The page's scripts get data as JavaScript literals whose keys are unquoted."""

import json
import random
import shutil
import subprocess

import pytest

from app.js_literal import js_literal

# Model text that looks like keys, quotes and escapes, in strings and in keys' places.
HOSTILE = ['{"a":1}', ',"b":', "\\", '\\"', '"', 'a,"b":c', "é ✓ 中文", "</script>", "\n\t"]


def reference(value: object) -> str:
    """The literal written out by hand: keys bare, everything else as compact JSON."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{key}:{reference(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(reference(item) for item in value) + "]"
    return json.dumps(value, separators=(",", ":"))


def random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(6 if depth < 3 else 4)
    if kind == 0:
        return rng.choice(HOSTILE) + rng.choice(HOSTILE)
    if kind == 1:
        return rng.choice([0, -1, 12, 3.5, True, False, None])
    if kind == 2:
        return rng.choice(["run_id", "", "x"])
    if kind == 3:
        return "".join(rng.choice(HOSTILE) for _ in range(rng.randrange(4)))
    if kind == 4:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["run_id", "rows", "text", "a1", "_x"]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_keys_are_bare_and_everything_else_is_json():
    assert js_literal({"rows": [{"run_id": "r1", "n": 2}], "done": True}) == (
        '{rows:[{run_id:"r1",n:2}],done:true}'
    )
    rng = random.Random(7)
    for _ in range(3000):
        value = random_value(rng)
        assert js_literal(value) == reference(value)


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node.js")
def test_the_page_reads_back_exactly_the_data_hostile_strings_included():
    values = [{key: text, "list": [text, {"k": text}]} for key in ("a", "b") for text in HOSTILE]
    script = "for (const line of require('fs').readFileSync(0, 'utf8').trim().split('\\n'))"
    script += " console.log(JSON.stringify(eval('(' + line + ')')));"
    literals = "\n".join(js_literal(value) for value in values)
    out = subprocess.run(
        ["node", "-e", script], input=literals, capture_output=True, text=True, check=True
    )
    assert [json.loads(line) for line in out.stdout.splitlines()] == values
