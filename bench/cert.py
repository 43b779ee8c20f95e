#!/usr/bin/env python3
"""cert.py — helpers for bench/cert.sh (the certification figures), stdlib only.

  cert.py lua PAIRS.tsv DIR SEED [K]   from the issued certificates (number TAB
                                       holder name, one a line) writes DIR/verify.lua,
                                       DIR/credential.lua, DIR/pdf.lua and DIR/pdf_slash.lua
                                       (wrk scripts rotating over K of them, default 20000)
                                       and prints JSON with one sample path of each kind
  cert.py credbench FILE               build/credbench's output -> JSON
  cert.py pdfbench FILE                build/pdfbench's output -> JSON
  cert.py field JSON KEY               one field of a JSON object (from argv)

The /verify script: of every 20 requests, 16 name an issued certificate
with its holder's name (answer "valid"), 2 the number with another name and
2 a number no certificate has (both "not_found", with the same bytes).  The
order is shuffled with SEED, so it is the same on every run.
"""
import json
import random
import re
import sys
import urllib.parse


def lua_table(paths):
    out = ["local paths = {"]
    for p in paths:
        out.append('  "%s",' % p.replace("\\", "\\\\").replace('"', '\\"'))
    out.append("}")
    return "\n".join(out)


LUA_BODY = """
-- Each wrk thread starts at another place in the list and walks it round.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  i = (id * 7919) %% #paths
end
function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
"""


def unknown_number(num):
    # Same shape, another body type: no certificate of ours has it.
    return ("Y" if num[0] != "Y" else "S") + num[1:]


def lua(pairs_path, outdir, seed, k=20000):
    pairs = []
    with open(pairs_path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln:
                continue
            num, _, name = ln.partition("\t")
            pairs.append((num, name))
    if len(pairs) < 20:
        print("cert.py: only %d certificates" % len(pairs), file=sys.stderr)
        return 1
    rnd = random.Random(seed)
    chosen = pairs if len(pairs) <= k else rnd.sample(pairs, k)
    q = urllib.parse.quote
    verify, kinds = [], []
    for j, (num, name) in enumerate(chosen):
        kind = j % 20
        if kind < 16:
            n, nm, what = num, name, "valid"
        elif kind < 18:
            other = chosen[(j + 7) % len(chosen)][1]
            nm = other if other != name else name + "某"
            n, what = num, "wrong_name"
        else:
            n, nm, what = unknown_number(num), name, "unknown_number"
        verify.append(("/api/v1/verify?number=%s&name=%s" % (q(n), q(nm)), what))
    rnd.shuffle(verify)
    paths = {
        "verify": [p for p, _ in verify],
        # anonymous: the holder's name, as /verify (a signed-in caller needs none)
        "credential": ["/api/v1/certificates/%s/credential?name=%s" % (q(n), q(nm)) for n, nm in chosen],
        "pdf": ["/api/v1/certificates/%s.pdf" % q(n) for n, _ in chosen],
        "pdf_slash": ["/api/v1/certificates/%s/pdf" % q(n) for n, _ in chosen],
    }
    for name, ps in paths.items():
        with open("%s/%s.lua" % (outdir, name), "w", encoding="utf-8") as f:
            f.write(lua_table(ps) + "\n" + LUA_BODY.replace("%%", "%"))
    sample = {"valid": None, "wrong_name": None, "unknown_number": None}
    for p, what in verify:
        if sample[what] is None:
            sample[what] = p
    sample.update({"credential": paths["credential"][0], "pdf": paths["pdf"][0], "pdf_slash": paths["pdf_slash"][0],
                   "paths": len(chosen), "certificates": len(pairs),
                   "mix": {w: sum(1 for _, x in verify if x == w) for w in ("valid", "wrong_name", "unknown_number")}})
    print(json.dumps(sample))
    return 0


def credbench(path):
    t = open(path).read()
    out = {}
    for key, label in (("sign", "credential_sign"), ("verify", "credential_verify"),
                       ("raw_sign", "Ed25519 sign only"), ("raw_verify", "Ed25519 verify only")):
        m = re.search(re.escape(label) + r"\s+([\d.]+) /s", t)
        if not m:
            print("cert.py: no %s in credbench output" % label, file=sys.stderr)
            return 1
        out[key] = float(m.group(1))
    m = re.search(r"credential: (\d+) bytes", t)
    out["jwt_bytes"] = int(m.group(1)) if m else 0
    print(json.dumps(out))
    return 0


def pdfbench(path):
    t = open(path).read()
    m = re.search(r"(\d+) renders in ([\d.]+) s = ([\d.]+) renders/s \(([\d.]+) ms each\).*PDF (\d+) bytes", t)
    if not m:
        print("cert.py: cannot read pdfbench output: %s" % t[:200], file=sys.stderr)
        return 1
    print(json.dumps({"renders": int(m.group(1)), "seconds": float(m.group(2)), "rate": float(m.group(3)),
                      "ms_each": float(m.group(4)), "pdf_bytes": int(m.group(5))}))
    return 0


def main(a):
    if not a:
        print(__doc__, file=sys.stderr)
        return 2
    if a[0] == "lua":
        return lua(a[1], a[2], int(a[3]), int(a[4]) if len(a) > 4 else 20000)
    if a[0] == "credbench":
        return credbench(a[1])
    if a[0] == "pdfbench":
        return pdfbench(a[1])
    if a[0] == "field":
        v = json.loads(a[1])[a[2]]
        print(json.dumps(v) if isinstance(v, (dict, list)) else v)
        return 0
    print("cert.py: unknown command %s" % a[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
