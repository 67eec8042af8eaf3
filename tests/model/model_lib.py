"""Shared helpers of the model suite: run `gostart-emu check --json`, index its report, and the model's
procresize rules restated (so that tests compute which checks must diverge instead of copying output)."""
import json, os, subprocess, sys, tempfile


class Failures:
    """Collects failed assertions; finish() prints them and exits 1, or prints a closing line and exits 0."""
    def __init__(self, name):
        self.name, self.errors, self.passed = name, [], 0

    def check(self, cond, msg):
        if cond:
            self.passed += 1
        else:
            self.errors.append(msg)
        return cond

    def finish(self):
        for e in self.errors:
            print(f'{self.name}: FAIL: {e}', file=sys.stderr)
        print(f'{self.name}: {self.passed} passed, {len(self.errors)} failed')
        sys.exit(1 if self.errors else 0)


def run_check(emu, program, args=(), options=(), junit=None, timeout=300):
    """Runs `check --json` (report into a temp file via -o); returns (exit status, report dict or None)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'report.json')
        cmd = [emu, 'check', '--json', '-o', out] + list(options)
        if junit:
            cmd += ['--junit', junit]
        cmd += [program] + list(args)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        report = None
        try:
            with open(out) as f:
                text = f.read()
            # A run that ends abnormally has a `gostart-emu: PROGRAM: signal N ...` line before the JSON (-o
            # takes both); the report is the object that follows.
            report = json.loads(text[text.index('\n{') + 1:] if not text.startswith('{') else text)
        except (OSError, ValueError):
            pass
        return p.returncode, report


def checks(report):
    """{(milestone, field): check} for every check of a report."""
    return {(m['name'], c['field']): c for m in report['milestones'] for c in m['checks']}


def diverging(report):
    return {k for k, c in checks(report).items() if not c['ok']}


def number(text):
    """The value of an expected/actual string: '0xc00002a000 (allp[0])' -> int; None for '(cannot locate)'."""
    head = text.split(' ')[0]
    try:
        return int(head, 0)
    except ValueError:
        return None


def procresize_divergence(model_procs, guest_procs, model_cpus=None, guest_cpus=None):
    """The schedinit/osinit checks that must diverge when the model predicts `model_procs` Ps but the guest
    made `guest_procs`, restating StartupModel::predict: allp[i] (1 <= i < model_procs) is checked for status,
    id and link (allp[i+1], or nil for the last); sched.pidle is allp[1] when there is more than one P."""
    out = set()
    if model_cpus is not None and model_cpus != guest_cpus:
        out.add(('runtime.osinit', 'runtime.ncpu'))
    if model_procs != guest_procs:
        out |= {('runtime.schedinit', 'runtime.gomaxprocs'), ('runtime.schedinit', 'len(allp)'),
                ('runtime.schedinit', 'sched.npidle')}
    for i in range(1, model_procs):
        if i >= guest_procs:  # the P does not exist in the guest: nothing to read
            out |= {('runtime.schedinit', f'allp[{i}].{f}') for f in ('status', 'id', 'link')}
        elif (i + 1 < model_procs) != (i + 1 < guest_procs):
            out.add(('runtime.schedinit', f'allp[{i}].link'))  # end of the idle list moved
    if (model_procs > 1) != (guest_procs > 1):
        out.add(('runtime.schedinit', 'sched.pidle'))
    return out
