# Checks a GitLab Code Quality report (argv[1]) against what GitLab reads:
# https://docs.gitlab.com/ee/ci/testing/code_quality.html#implement-a-custom-tool
import json
import re
import sys

issues = json.load(open(sys.argv[1]))
assert isinstance(issues, list) and len(issues) == 3, issues
for i in issues:
    for key in ("description", "check_name", "fingerprint", "severity", "location"):
        assert key in i, (key, i)
    assert i["severity"] in ("info", "minor", "major", "critical", "blocker"), i
    assert re.fullmatch(r"[0-9a-f]{32}", i["fingerprint"]), i
    assert isinstance(i["location"]["lines"]["begin"], int), i
    assert not i["location"]["path"].startswith("/"), i
    assert i["type"] == "issue" and i["categories"] == ["Bug Risk"], i
assert len({i["fingerprint"] for i in issues}) == len(issues), "fingerprints repeat"
assert sorted(i["location"]["path"] for i in issues) == ["a.py", "helper.py", "we,ird:dir/b.py"]
