#!/usr/bin/env python3
"""Prints the failed tests of a .trx file (dotnet test --logger trx), name and first lines of the error, so that
the end of a long test log says what failed. Usage: scripts/failed-tests.py RESULTS.trx"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

root = ET.parse(sys.argv[1]).getroot()
failed = [r for r in root.iterfind(".//t:UnitTestResult", NS) if r.get("outcome") == "Failed"]
print(f"{len(failed)} failed test(s):")
for result in failed:
    message = result.findtext(".//t:Message", default="", namespaces=NS).strip().splitlines()
    print(f"  {result.get('testName')}")
    for line in message[:6]:
        print(f"      {line}")
