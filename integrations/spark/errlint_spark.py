"""errlint under Apache Spark: checks NDJSON traffic logs too big for one machine.

Each line of the input is one record: a capture envelope ({"id", "status", "headers",
"body", "method", "url"}) or a HAR entry object ({"request", "response"}). Spark reads the
input (plain or .gz, from any path Spark can read), pipes every partition through the errlint
binary shipped with the job (--files), and writes

  OUTPUT/findings/   errlint's findings, one JSON object a line (errlint's `jsonl` format),
                     each with the "id" of the record it is about when the record has one;
  OUTPUT/counts/     one CSV table: rule, severity, count, most frequent first.

A finding's "file", "line" and "response" count within its partition, not within the input
files: join findings back to records by "id".

    spark-submit --master yarn --files /path/to/errlint \\
        integrations/spark/errlint_spark.py 's3a://logs/2026/11/*.ndjson.gz' s3a://reports/errlint

Options after the two paths are passed to `errlint check` (for example `--config` with the
file shipped by --files too, or `--profile problem-details`).
"""

import argparse
import os
import shlex
import sys

from pyspark import SparkFiles
from pyspark.sql import SparkSession, functions

BINARY = "errlint"


def errlint_command(binary, extra):
    """The command each partition is piped through.

    On a cluster, --files puts the binary in each executor's working directory; in local
    mode it is in the driver's SparkFiles directory. The shell picks whichever exists, so the
    same job runs in both. RDD.pipe gives the command an empty environment, hence /bin/sh by
    its full path and no reliance on PATH. `--exit-zero`: findings are the output, not a
    failure; a real failure (exit 2) still fails the task, as checkCode asks.
    """
    check = ["check", "-", "--stdin-filename", "records.ndjson", "-f", "jsonl", "--exit-zero"]
    script = 'e=./errlint; [ -x "$e" ] || e="$1"; shift; exec "$e" "$@"'
    return " ".join(
        shlex.quote(part) for part in ["/bin/sh", "-c", script, "sh", binary, *check, *extra]
    )


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="NDJSON files (plain or .gz): a path, glob or directory")
    parser.add_argument("output", help="directory for findings/ and counts/")
    parser.add_argument(
        "--errlint",
        help="the errlint binary, when it was not shipped with spark-submit --files",
    )
    args, extra = parser.parse_known_args(argv)

    spark = SparkSession.builder.appName("errlint").getOrCreate()
    sc = spark.sparkContext
    if args.errlint:
        sc.addFile(os.path.abspath(args.errlint))
    binary = SparkFiles.get(BINARY)

    records = sc.textFile(args.input)
    findings = records.pipe(errlint_command(binary, extra), checkCode=True)
    findings_dir = os.path.join(args.output, "findings")
    findings.saveAsTextFile(findings_dir)

    # Counted from what was written, so the findings are computed once.
    written = spark.read.json(findings_dir)
    if "rule" not in written.columns:
        # No findings at all: an empty table, not a failed job.
        written = spark.createDataFrame([], "rule string, severity string")
    counts = (
        written.groupBy("rule", "severity")
        .count()
        .orderBy(functions.desc("count"), "rule")
    )
    counts.coalesce(1).write.csv(os.path.join(args.output, "counts"), header=True)
    counts.show(100, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
