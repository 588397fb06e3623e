#!/usr/bin/env python3
"""Summarize `bazel test --build_event_json_file=FILE` for people and CI.

Prints each failed target, then the closing line
    tests: N passed, N failed[, N skipped]
counting test cases from each target's test.xml. A target that failed to
build (or has no XML) counts as one failed test. Exits 1 if anything failed
or no test ran, else 0.
"""
import json
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlparse


def main(bep_path: str) -> int:
    summaries = {}
    xmls = {}
    test_targets = set()
    completed_ok = {}
    with open(bep_path, encoding="utf-8") as fh:
        for line in fh:
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            eid = ev.get("id", {})
            if "targetConfigured" in eid and "testSize" in ev.get("configured", {}):
                test_targets.add(eid["targetConfigured"]["label"])
            elif "targetCompleted" in eid:
                completed_ok[eid["targetCompleted"]["label"]] = bool(
                    ev.get("completed", {}).get("success"))
            elif "testSummary" in eid:
                summaries[eid["testSummary"]["label"]] = ev.get("testSummary", {}).get(
                    "overallStatus", "NO_STATUS")
            elif "testResult" in eid:
                tr = eid["testResult"]
                for out in ev.get("testResult", {}).get("testActionOutput", []):
                    if out.get("name") == "test.xml":
                        key = (tr.get("run"), tr.get("shard"))
                        prev = xmls.setdefault(tr["label"], {}).get(key)
                        if prev is None or tr.get("attempt", 1) >= prev[0]:
                            xmls[tr["label"]][key] = (tr.get("attempt", 1),
                                                      unquote(urlparse(out["uri"]).path))
    for label in test_targets - set(summaries):
        summaries[label] = "FAILED_TO_BUILD" if completed_ok.get(label) is False else "NO_STATUS"

    passed = failed = skipped = 0
    for label, runs in xmls.items():
        for _, path in runs.values():
            try:
                root = ET.parse(path).getroot()
            except (OSError, ET.ParseError):
                failed += 1
                continue
            for tc in root.iter("testcase"):
                if tc.find("failure") is not None or tc.find("error") is not None:
                    failed += 1
                elif tc.find("skipped") is not None or tc.get("status") == "notrun":
                    skipped += 1
                else:
                    passed += 1
    bad = {l: s for l, s in summaries.items() if s not in ("PASSED", "FLAKY")}
    for label, status in sorted(bad.items()):
        print(f"FAILED TARGET {label}: {status}")
        if label not in xmls:
            failed += 1
    t_pass = len(summaries) - len(bad)
    print(f"targets: {t_pass} passed, {len(bad)} failed")
    line = f"tests: {passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed or bad or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
