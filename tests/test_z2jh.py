"""The README's Zero to JupyterHub config.yaml against the chart's values schema.

Helm validates the chart's values.yaml with a deployment's config.yaml merged
over it against the chart's values.schema.json, and refuses to install when
they do not validate. The test does the same with the copies in tests/z2jh of
the chart version the README names.
"""
import copy
import json
import pathlib
import re

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
Z2JH = ROOT / "tests" / "z2jh"
SECTION = "## Teaching a lab with JupyterHub"


def chart_version():
    return (Z2JH / "chart-version").read_text().strip()


def section():
    """The README's JupyterHub section, up to the next section of its level."""
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION + "\n")
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end >= 0 else len(text)]


def config():
    """The section's config.yaml: its yaml block that starts with `singleuser:`."""
    blocks = re.findall(r"^```yaml\n(.*?)^```$", section(), re.S | re.M)
    found = [b for b in blocks if b.startswith("singleuser:")]
    assert len(found) == 1, f"{SECTION}: want one yaml block starting with singleuser:, have {len(found)}"
    return yaml.safe_load(found[0])


def coalesce(values, config):
    """values with config merged over it, as Helm merges a -f file over the chart's values:
    maps merge key by key, anything else replaces, and a null removes the key."""
    out = copy.deepcopy(values)
    for key, value in config.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = coalesce(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((Z2JH / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def defaults(validator):
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    assert not list(validator.iter_errors(values)), "the chart's own values.yaml does not validate"
    return values


def errors(validator, values):
    return sorted(
        ".".join(map(str, e.absolute_path)) + ": " + e.message
        for e in validator.iter_errors(values)
    )


def test_readme_names_the_chart_version():
    version = chart_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert f"chart {version}" in section(), f"{SECTION} should name the chart version checked, {version}"
    assert f"`{version}`" in (Z2JH / "README.md").read_text(), "tests/z2jh/README.md names another version"


def test_the_image_runs_the_charts_jupyterhub():
    """A user server talks to the hub: the image's jupyterhub has the major version of the chart's."""
    hub = (Z2JH / "hub-version").read_text().strip()
    image = re.search(r"^ARG JUPYTERHUB_VERSION=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert image, "the Dockerfile sets no ARG JUPYTERHUB_VERSION"
    assert image.group(1).split(".")[0] == hub.split(".")[0], f"image {image.group(1)}, chart's hub {hub}"
    assert f"JupyterHub {hub}" in section() and f"`{image.group(1)}`" in section()
    assert f"JupyterHub {hub}" in (Z2JH / "README.md").read_text()


def test_config_validates(validator, defaults):
    assert errors(validator, coalesce(defaults, config())) == []


def test_schema_catches_a_typo_and_a_wrong_type(validator, defaults):
    cfg = config()
    typo = copy.deepcopy(cfg)
    typo["singleuser"]["cpu"]["limt"] = typo["singleuser"]["cpu"].pop("limit")
    found = errors(validator, coalesce(defaults, typo))
    assert len(found) == 1 and found[0].startswith("singleuser.cpu: ") and "'limt'" in found[0], found

    wrong = copy.deepcopy(cfg)
    wrong["singleuser"]["memory"]["limit"] = [wrong["singleuser"]["memory"]["limit"]]
    found = errors(validator, coalesce(defaults, wrong))
    assert len(found) == 1 and found[0].startswith("singleuser.memory.limit: "), found
