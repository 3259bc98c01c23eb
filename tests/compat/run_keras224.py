"""Run Keras 2.2.4's own tests (or examples) unmodified against minikeras.

Usage::

    python tests/compat/run_keras224.py [--mirror GIT_DIR] [--only SUBSTR ...] [--timeout S] [--json OUT]
    python tests/compat/run_keras224.py --examples [--only NAME ...] [--cap-steps N]
    ... [--datasets auto|full|small|none] [--keras-home DIR] [--python PATH]

The Keras sources come from a local git mirror of keras-team/keras (default:
$KERAS_MIRROR, else /work/.mirror/keras-team+keras/repo), read at tag 2.2.4
into a scratch folder; nothing is downloaded and nothing of Keras is kept in
this repository. Each test file runs in a fresh pytest process with the
`keras_alias` plugin (this folder), so `keras` imports resolve to `minikeras`.
The table printed at the end gives passed / failed / errors / skipped per file;
the acceptance ratio is passed / (passed + failed + errors).

Every run gets its own `KERAS_HOME` (a scratch folder, or `--keras-home DIR`),
so nothing is read from or written to `~/.keras`. Its `datasets/` folder is
filled by make_dataset_cache.py with synthetic files in Keras' formats:
full-size for the tests (what integration_tests/test_datasets.py checks),
`--small` for the examples (fast); `--datasets` overrides that choice, and
files already in `--keras-home` are kept, so a second run reuses them.

Examples run unmodified, in their own folder, with matplotlib's non-GUI
`Agg` backend (`MPLBACKEND=Agg`; the PNGs they save land in the scratch
folder) and the numpy aliases numpy 2 removed (`np.float`, `np.int`, ...)
restored when missing (`keras_alias.restore_numpy_aliases`). Most examples
train for many epochs of real-sized data, so each is *capped*: every `fit` /
`fit_generator` runs one epoch of at most `--cap-steps N` batches (default 20)
and validates on at most N batches (`keras_alias.cap_training`; `--cap-steps 0`
runs them uncapped). Everything else an example does (building, predicting,
plotting) runs as written. The time each example took is printed with its
status. Like the tests, examples compute with one thread unless
`MINIKERAS_NUM_THREADS` is set (e.g. `MINIKERAS_NUM_THREADS=2` to time them on
two cores).

`--python PATH` runs the test files / examples with another interpreter
(default: the one running this script), e.g. a venv with the optional
packages and the older numpy / pytest Keras 2.2.4's CI used, so that failures
caused only by a newer environment can be told apart. That interpreter needs
pytest and minikeras' runtime dependencies; this repository is put on its
PYTHONPATH as for the default one.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

import make_dataset_cache

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_MIRROR = os.environ.get('KERAS_MIRROR', '/work/.mirror/keras-team+keras/repo')

# The files the drop-in issues measure (tests/ paths at tag 2.2.4).
TEST_FILES = [
    'tests/keras/activations_test.py', 'tests/keras/constraints_test.py', 'tests/keras/initializers_test.py',
    'tests/keras/losses_test.py', 'tests/keras/metrics_test.py', 'tests/keras/optimizers_test.py',
    'tests/keras/regularizers_test.py', 'tests/keras/test_callbacks.py', 'tests/keras/test_sequential_model.py',
    'tests/keras/engine/test_topology.py', 'tests/keras/engine/test_training.py',
    'tests/keras/layers/advanced_activations_test.py', 'tests/keras/layers/convolutional_recurrent_test.py',
    'tests/keras/layers/convolutional_test.py', 'tests/keras/layers/core_test.py',
    'tests/keras/layers/embeddings_test.py', 'tests/keras/layers/local_test.py', 'tests/keras/layers/merge_test.py',
    'tests/keras/layers/noise_test.py', 'tests/keras/layers/normalization_test.py',
    'tests/keras/layers/pooling_test.py', 'tests/keras/layers/recurrent_test.py',
    'tests/keras/layers/wrappers_test.py',
    'tests/keras/utils/conv_utils_test.py', 'tests/keras/utils/data_utils_test.py',
    'tests/keras/utils/generic_utils_test.py', 'tests/keras/utils/io_utils_test.py',
    'tests/keras/utils/layer_utils_test.py', 'tests/keras/utils/np_utils_test.py',
    'tests/keras/utils/vis_utils_test.py',
    'tests/test_dynamic_trainability.py', 'tests/test_loss_masking.py', 'tests/test_loss_weighting.py',
    'tests/test_model_pickling.py', 'tests/test_model_saving.py', 'tests/test_multiprocessing.py',
    'tests/integration_tests/preprocessing/image_test.py',
    'tests/integration_tests/preprocessing/sequence_test.py',
    'tests/integration_tests/preprocessing/text_test.py', 'tests/integration_tests/test_datasets.py',
    'tests/integration_tests/test_image_data_tasks.py', 'tests/integration_tests/test_temporal_data_tasks.py',
    'tests/integration_tests/test_vector_data_tasks.py',
]
EXTRA_TEST_FILES = ['tests/keras/wrappers/scikit_learn_test.py', 'tests/keras/legacy/layers_test.py',
                    'tests/keras/legacy/interface_test.py', 'tests/keras/backend/backend_test.py']


def extract(mirror, tag, dest):
    """Writes `tests/` and `examples/` of `tag` from the git mirror into `dest`."""
    archive = subprocess.run(['git', '--git-dir', mirror, 'archive', tag, 'tests', 'examples'],
                             check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(['tar', '-x', '-C', dest], input=archive, check=True)


def _env(extra_env=None):
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([HERE, REPO] + [p for p in [env.get('PYTHONPATH')] if p])
    env.setdefault('OMP_NUM_THREADS', '1')
    env.setdefault('OPENBLAS_NUM_THREADS', '1')
    env.update(extra_env or {})
    return env


def run_test_file(root, rel, timeout, extra_env=None, python=sys.executable):
    """Runs one test file; returns a dict of counts (and 'timeout' when it ran out)."""
    xml_path = os.path.join(root, 'junit-%s.xml' % rel.replace('/', '_'))
    cmd = [python, '-m', 'pytest', rel, '-q', '-p', 'keras_alias', '-p', 'no:cacheprovider',
           '-o', 'addopts=', '--rootdir', root, '-c', os.devnull, '--junitxml', xml_path]
    try:
        proc = subprocess.run(cmd, cwd=root, env=_env(extra_env), timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = proc.stdout.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b'').decode('utf-8', 'replace')
        return {'file': rel, 'passed': 0, 'failed': 0, 'errors': 0, 'skipped': 0, 'timeout': True,
                'output': output[-4000:]}
    counts = {'file': rel, 'passed': 0, 'failed': 0, 'errors': 0, 'skipped': 0, 'output': output[-4000:]}
    if os.path.exists(xml_path):
        for case in ET.parse(xml_path).getroot().iter('testcase'):
            kinds = {child.tag for child in case}
            if 'failure' in kinds:
                counts['failed'] += 1
            elif 'error' in kinds:
                counts['errors'] += 1
            elif 'skipped' in kinds:
                counts['skipped'] += 1
            else:
                counts['passed'] += 1
    else:
        counts['errors'] = 1
    if 'error' in output.lower() and 'during collection' in output:
        # The file did not import: every test in it counts as an error, not just the one collection error.
        counts['errors'] = max(counts['errors'], _count_test_functions(os.path.join(root, rel)))
        counts['collection_error'] = True
    return counts


def _count_test_functions(path):
    """The `test_*` functions of a test file (parametrized variants count once: a lower bound)."""
    import ast
    with open(path) as f:
        tree = ast.parse(f.read())
    return sum(1 for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith('test'))


def run_example(root, name, timeout, extra_env=None, python=sys.executable, cap_steps=20):
    """Runs one example script, each `fit` capped to one epoch of `cap_steps` batches (0: uncapped).

    Returns ok / timeout, whether training began, the wall time in seconds and the output tail.
    """
    path = os.path.join(root, 'examples', name)
    # Unbuffered: keep the output of a run stopped by the time limit. Agg: plots need no display.
    env = dict(extra_env or {}, PYTHONUNBUFFERED='1', MPLBACKEND='Agg')
    start = time.time()
    try:
        proc = subprocess.run([python, '-c', 'import keras_alias, runpy, sys; sys.argv=[%r]; '
                               'keras_alias.prepare_example(cap_steps=%d); '
                               'runpy.run_path(%r, run_name="__main__")' % (path, cap_steps, path)],
                              cwd=os.path.join(root, 'examples'), env=_env(env), timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, ok, timed_out = proc.stdout.decode('utf-8', 'replace'), proc.returncode == 0, False
    except subprocess.TimeoutExpired as e:
        output, ok, timed_out = (e.stdout or b'').decode('utf-8', 'replace'), False, True
    # A log gets 'Epoch 1/N' only once the first epoch ends; fit announces validated training earlier.
    trained = 'Epoch 1/' in output or 'Train on ' in output
    return {'file': name, 'ok': ok, 'timeout': timed_out, 'trained': trained, 'seconds': time.time() - start,
            'output': output[-3000:]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mirror', default=DEFAULT_MIRROR, help='git dir of a keras-team/keras mirror')
    parser.add_argument('--tag', default='2.2.4')
    parser.add_argument('--only', nargs='*', help='run only files whose path contains one of these')
    parser.add_argument('--extra', action='store_true', help='also run the files outside the acceptance list')
    parser.add_argument('--examples', action='store_true', help='run examples/ instead of tests/')
    parser.add_argument('--cap-steps', type=int, default=20,
                        help='examples: every fit runs 1 epoch of at most N batches, validating on at most N '
                             '(0: uncapped)')
    parser.add_argument('--timeout', type=float, default=900, help='seconds per file')
    parser.add_argument('--json', help='write the per-file results here')
    parser.add_argument('--show-failures', action='store_true', help='print the tail of each failing run')
    parser.add_argument('--datasets', choices=['auto', 'full', 'small', 'none'], default='auto',
                        help='synthetic dataset cache: full-size, small, or none (auto: small for examples, '
                             'full when test_datasets.py runs, else none)')
    parser.add_argument('--keras-home', help='KERAS_HOME to use (and fill); default: a scratch folder')
    parser.add_argument('--python', default=sys.executable,
                        help='interpreter that runs the test files / examples (default: this one)')
    args = parser.parse_args(argv)
    if not os.path.isdir(args.mirror):
        parser.error('no keras mirror at %s (set --mirror or $KERAS_MIRROR)' % args.mirror)
    if args.cap_steps < 0:
        parser.error('--cap-steps must be >= 0 (0: uncapped), got %d' % args.cap_steps)
    root = tempfile.mkdtemp(prefix='keras224-')
    extract(args.mirror, args.tag, root)
    keras_home = os.path.abspath(args.keras_home or os.path.join(root, 'keras_home'))
    os.makedirs(keras_home, exist_ok=True)
    datasets = args.datasets
    if datasets == 'auto':  # only test_datasets.py reads the cache among the test files
        reads_cache = args.examples or any('test_datasets' in f and (not args.only or any(o in f for o in args.only))
                                           for f in TEST_FILES)
        datasets = ('small' if args.examples else 'full') if reads_cache else 'none'
    if datasets != 'none':
        make_dataset_cache.make_cache(keras_home, small=datasets == 'small',
                                      log=lambda m: print(m, file=sys.stderr, flush=True))
    env = {'KERAS_HOME': keras_home}
    results = []
    if args.examples:
        names = sorted(n for n in os.listdir(os.path.join(root, 'examples')) if n.endswith('.py'))
        names = [n for n in names if not args.only or any(s in n for s in args.only)]
        for name in names:
            result = run_example(root, name, args.timeout, env, args.python, args.cap_steps)
            results.append(result)
            if result['ok']:
                status = 'ok'
            elif result.get('timeout'):
                # Most examples train for many epochs; a time-out after training began is not a failure to run.
                status = 'TIMEOUT (training)' if result['trained'] else 'TIMEOUT'
            else:
                status = 'FAIL'
            print('%-40s %-20s %7.1f s' % (name, status, result['seconds']), flush=True)
            if args.show_failures and not result['ok']:
                print(result['output'])
    else:
        files = TEST_FILES + (EXTRA_TEST_FILES if args.extra else [])
        files = [f for f in files if not args.only or any(s in f for s in args.only)]
        totals = dict(passed=0, failed=0, errors=0, skipped=0)
        print('%-58s %6s %6s %6s %6s' % ('file', 'pass', 'fail', 'error', 'skip'))
        for rel in files:
            result = run_test_file(root, rel, args.timeout, env, args.python)
            results.append(result)
            for key in totals:
                totals[key] += result[key]
            print('%-58s %6d %6d %6d %6d%s' % (rel, result['passed'], result['failed'], result['errors'],
                                                result['skipped'], '  TIMEOUT' if result.get('timeout') else ''),
                  flush=True)
            if args.show_failures and (result['failed'] or result['errors'] or result.get('timeout')):
                print(result['output'])
        ran = totals['passed'] + totals['failed'] + totals['errors']
        print('%-58s %6d %6d %6d %6d' % ('TOTAL', totals['passed'], totals['failed'], totals['errors'],
                                          totals['skipped']))
        print('pass rate (excluding skipped): %.1f%%' % (100.0 * totals['passed'] / max(ran, 1)))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
