"""Benchmark `fundkg build` end to end on a synthetic corpus of seed-size text reports.

The corpus is made from the project's own sample report (samples/shilou-final-accounts-2023.txt):
each copy gets another county, fiscal year and amounts, and its sections are repeated with varied
figures until it is about the size of a real 部门决算 (≈35 KB). Prints reports/s, quads/s and the
peak memory of the process.

    python bench/build.py --reports 200             # prepared in this process, one after the other
    python bench/build.py --reports 200 --jobs 2    # prepared by 2 worker processes (fundkg build --jobs 2)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "shilou-final-accounts-2023.txt"
COUNTIES = ["石楼县", "柳林县", "临县", "岚县", "方山县", "中阳县", "交口县", "兴县", "文水县", "汾阳市"]
TARGET_BYTES = 35_000
# Real reports are mostly prose without figures (duties, organisation, explanations); the
# padding below, written for this benchmark, keeps the density of amounts close to the seeds'.
NARRATIVE = (
    "{county}医疗保障局贯彻落实医疗保障工作的方针政策，组织实施城乡居民基本医疗保险、职工基本医疗保险、"
    "生育保险和医疗救助制度，推进医疗保障基金支付方式改革，监督管理定点医药机构的服务行为和医疗费用，"
    "依法查处医疗保障领域违法违规行为，负责医疗保障经办管理、公共服务体系和信息化建设，"
    "完善异地就医管理和费用结算政策，建立健全医疗保障关系转移接续制度。\n"
    "本年度围绕巩固拓展医疗保障脱贫攻坚成果同乡村振兴有效衔接，做好监测对象的参保资助和待遇保障，"
    "持续开展基金监管专项治理，推进药品和医用耗材集中带量采购落地，优化经办服务流程。\n"
)


def vary(text: str, factor: Decimal, county: str, year: int) -> str:
    """Another county and year, every amount scaled by one factor: sums still hold (to the cent)."""
    text = text.replace("石楼县", county).replace("2023", str(year)).replace("2024", str(year + 1))

    def amount(match: re.Match[str]) -> str:
        value = (Decimal(match.group(0).replace(",", "")) * factor).quantize(Decimal("0.01"))
        return f"{value:,.2f}" if "," in match.group(0) else f"{value:.2f}"

    return re.sub(r"\d[\d,]*\.\d{2}", amount, text)


def make_corpus(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    base = SAMPLE.read_text(encoding="utf-8")
    head, _, body = base.partition("第二部分")
    total = 0
    for i in range(n):
        county = COUNTIES[i % len(COUNTIES)]
        year = 2018 + i % 7
        factor = Decimal(str(round(rng.uniform(0.5, 1.5), 2)))
        parts = [vary(head, factor, county, year)]
        while sum(len(p.encode()) for p in parts) < TARGET_BYTES:
            parts.append(vary("第二部分" + body, factor, county, year))
            parts.extend(NARRATIVE.format(county=county) for _ in range(4))
        text = "\n".join(parts)
        path = folder / f"bench-{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        total += path.stat().st_size
    return total


def worker_seconds(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--batch-quads", type=int, help="bulk-load batch size (default: kg.build.BATCH_QUADS)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes preparing reports (default 0: in this process, without a pool)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import kg.build
    from kg.build import build
    from kg.parallel.pool import ReportPool
    from kg.store import open_store

    work = Path(tempfile.mkdtemp(prefix="fundkg-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        size = make_corpus(corpus, args.reports)
        # Warm-up outside the timing: spaCy/jieba dictionaries and region index load once per process.
        warm = open_store(None)
        build([next(corpus.iterdir())], warm)

        if args.batch_quads:
            kg.build.BATCH_QUADS = args.batch_quads
        # The workers start (and load their dictionaries) before the clock starts, as the warm-up above.
        pool = ReportPool(args.jobs).start() if args.jobs else None
        workers_cpu = worker_seconds(pool.pids()) if pool else 0.0
        store = open_store(work / "store")
        start, cpu_start = time.perf_counter(), time.process_time()
        result = build([corpus], store, preparer=pool)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start  # every thread of the process: RocksDB writes in its own
        if pool:
            cpu += worker_seconds(pool.pids()) - workers_cpu
            pool.close()
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert not result.failed, result.failed
        print(f"reports:            {args.reports} ({size / args.reports / 1024:.1f} KiB each on average)")
        where = f"{args.jobs} worker process(es) and the writer" if args.jobs else "one process"
        print(f"elapsed:            {elapsed:.2f} s ({where}; {os.cpu_count()} cores)")
        print(f"reports/s:          {args.reports / elapsed:.1f}")
        print(f"CPU time:           {cpu:.2f} s, {cpu / args.reports * 1000:.1f} ms per report (writer and workers)")
        print(f"reports/CPU-second: {args.reports / cpu:.1f} (the per-core rate)")
        print(f"quads written:      {result.quads_written}")
        print(f"quads/s:            {result.quads_written / elapsed:,.0f}")
        print(f"peak memory (RSS):  {peak_mib:.0f} MiB")
        start = time.perf_counter()
        again = build([corpus], store)
        print(f"unchanged rebuild:  {time.perf_counter() - start:.2f} s ({len(again.unchanged)} unchanged)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
