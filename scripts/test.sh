#!/usr/bin/env bash
# Install everything the test suite needs, then run all of it: lint, format, types, tests.
# Neo4j (from Maven Central jars) and headless Chromium are real parts of the suite; under CI
# (CI=true) a missing one fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_debian=()
command -v chromium >/dev/null || need_debian+=(chromium)
command -v chromedriver >/dev/null || need_debian+=(chromium-driver)
command -v java >/dev/null || need_debian+=(openjdk-17-jre-headless)
# `java File.java` (the Gephi reader test) compiles in memory: it needs the JDK's compiler
command -v javac >/dev/null || need_debian+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need_debian+=(maven)
command -v pdftotext >/dev/null || need_debian+=(poppler-utils)  # reads report PDFs in tests
# scripts/bench_layout.py's Graphviz and ELK (node) engines, checked by tests/test_bench_layout.py
command -v dot >/dev/null || need_debian+=(graphviz)
command -v npm >/dev/null || need_debian+=(nodejs npm)
if [ ${#need_debian[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debian[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
# elkjs for the layout benchmark's ELK engine, as pinned by scripts/elk/package-lock.json
npm ci --prefix scripts/elk --no-audit --no-fund --silent
# Neo4j Community jars for the launcher: fetched once, so every start is offline.
mvn -q -B -f scripts/neo4j/pom.xml dependency:copy-dependencies
# The Gephi Toolkit jar, whose importer reads our GEXF and GraphML exports in the tests.
mvn -q -B -f scripts/gephi/pom.xml dependency:copy-dependencies

python3 -m ruff check .
python3 -m ruff format --check .
python3 -m mypy
python3 -m pytest "$@"
