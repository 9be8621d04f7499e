# Prints, per result of a SARIF log: the rule, the number of threadFlows and
# the start lines of each threadFlow's locations, and of relatedLocations.
import json
import sys

run = json.load(open(sys.argv[1]))["runs"][0]
for res in run["results"]:
    flows = res.get("codeFlows", [])
    assert len(flows) <= 1, flows
    thread_flows = flows[0]["threadFlows"] if flows else []
    lines = [
        [loc["location"]["physicalLocation"]["region"]["startLine"]
         for loc in tf["locations"]]
        for tf in thread_flows
    ]
    for tf in thread_flows:
        levels = [loc["nestingLevel"] for loc in tf["locations"]]
        assert levels == list(range(len(levels))), levels
    related = [r["physicalLocation"]["region"]["startLine"]
               for r in res.get("relatedLocations", [])]
    out = f"{res['ruleId']} threadFlows={len(thread_flows)} {lines}"
    if res["ruleId"] == "MPG003":
        out += f" related={related}"
    print(out)
