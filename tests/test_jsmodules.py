"""backprop.jsmodules: the widgets' bundled ES modules and the one-per-kernel library widgets."""

import re

import pytest
from backprop import jsmodules as J

# Every widget family's module: (its bundle, the files it joins).
FAMILIES = {
    "explorers": ("backprop.explorers", ("backprop_math.js", "keys.js", "explorer_view.js")),
    "answers": ("backprop.answers", ("answers.js", "answer_view.js")),
    "trainer": ("backprop.trainer_widget", ("trainer.js", "keys.js", "trainer_view.js")),
    "gradnorm": ("backprop.gradnorm", ("backprop_math.js", "keys.js", "gradnorm_view.js")),
    "checkpoint": ("backprop.checkpoint_explorer", ("keys.js", "checkpoint_view.js")),
    "graph": ("backprop.graph_widget", ("keys.js", "graph_view.js")),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_bundle_is_one_module_without_imports(family):
    import importlib

    module, files = FAMILIES[family]
    src = importlib.import_module(module).esm_source()
    assert src == J.bundle(*files)
    assert not re.search(r"^import ", src, re.M), "the static book cannot resolve an import"
    assert len(re.findall(r"^export ", src, re.M)) == 1 and "export default" in src
    for name in files[1:]:
        assert src.count(J.seam(name)) == 1
    # every function the files export is still defined (only the keyword went)
    for name in files:
        for fn in re.findall(r"^export function (\w+)", J.read(name), re.M):
            assert re.search(rf"^function {fn}\b", src, re.M), (name, fn)


def test_every_widget_view_keeps_its_keys_from_jupyterlab():
    """One rule for the keys of every widget's controls (keys.js), bundled into each module."""
    import importlib

    for module, files in FAMILIES.values():
        if "keys.js" in files:
            src = importlib.import_module(module).esm_source()
            assert src.count("function keepKeysFromJupyterLab(") == 1, module
            assert "keepKeysFromJupyterLab(" in src.split(J.seam(files[-1]))[1], module


def test_drop_imports_takes_statements_over_several_lines():
    src = 'import {\n  a,\n  b,\n} from "./m.js";\nconst x = 1;\nimport c from "./c.js";\n'
    assert J.drop_imports(src) == "const x = 1;\n"


def test_bundle_needs_a_file():
    with pytest.raises(ValueError, match="at least one file"):
        J.bundle()


def test_one_per_kernel_makes_one_and_remakes_a_closed_one():
    class Lib(J.SharedLibrary):
        _esm = "export default {}"

    library = J.one_per_kernel(Lib)
    first = library()
    assert library() is first and isinstance(first, Lib)
    first.close()
    second = library()
    assert second is not first and second.comm is not None
    assert J.one_per_kernel(Lib)() is not second  # each family its own


def test_the_stub_renders_through_the_library_widget():
    assert 'host.getWidget(model.get("_library"))' in J.STUB_ESM
    assert "library.exports.render" in J.STUB_ESM
