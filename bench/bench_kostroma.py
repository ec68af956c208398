"""The production engine on the Kostroma evaluation sets: appeal, group, municipality, body, auto-routing.

Run: .venv/bin/python bench/bench_kostroma.py [--sets dev,heldout,fresh,unseen] [--data bench/data/kostroma]
                                              [--threshold T] [--curve-step 0.05]
The engine is built as the service builds it (`build_understanding` with the production models and the settings'
`auto_assign_threshold`, or `--threshold`). Every message runs the pipeline's understanding stages with its channel.
Figures per set (prefix `dev_` / `heldout_`, `fresh_` when `fresh.jsonl` — a second unseen-style set — is there,
`unseen_` / `unseen2_` for `unseen.jsonl` / `unseen2.jsonl`, tuned to since they were measured, `unseen3_` for
`unseen3.jsonl`, the blind set of the nlp2 round — `--errors` refuses to print its misses — and `unseen4_` for
`unseen4.jsonl`, the blind set of the issue-11 round, a tuning set since it was judged twice, and `unseen5_` for
`unseen5.jsonl`, the blind set written before the next round's engine changes — `--errors` refuses it), and the same
split by channel style (`social` = vk, telegram; `letters` = portal, hotline, 112, e-mail):
- appeal_accuracy, appeal_precision, appeal_recall: the detector's «appeal» against the labels;
- group/municipality/body_accuracy: on the true appeals, with the stages after detection run even when the detector
  said «not an appeal» (as when a moderator turns it into an appeal), so each stage is measured on its own;
- auto_share: true appeals the pipeline would send to a body with no moderator (detected, routed, not flagged) /
  true appeals; auto_precision: of everything auto-routed, the share with the right body AND the right group
  (auto_precision_body_only: the right body, whatever the group);
- the curve: for each threshold over the decision score (the engine's `decision` scorer, `otklik.nlp.decision`;
  the weaker of topic and route confidence for an engine without one), coverage and
  precision; the threshold of highest coverage at ≥ 0.90 precision on dev, and what it gives on held-out;
- calibration: the threshold chosen on the pooled `--calibrate-on` sets (default held-out + unseen + unseen2), never
  on the blind set, by the rule with a margin (`calibration.threshold_with_margin`: highest coverage whose lower
  one-sided 90 % Wilson bound of precision is ≥ 0.90) and, for comparison, by the point estimate; what each gives on
  every set; and leave-one-set-out: the margin rule chosen on the other calibration sets, checked on the one left out.
Prints `name: value unit` lines. Labels come from the law and the region's structure (bench/data/kostroma/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from otklik.domain.analysis import LocationGuess
from otklik.nlp.calibration import (
    CurvePoint,
    Scored,
    best_threshold,
    curve,
    decision_score,
    grid,
    precision_lower_bound,
    threshold_with_margin,
)
from otklik.nlp.factory import build_understanding
from otklik.pipeline.components import Understanding
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.runner import understanding_stages
from otklik.reference.files import load_reference
from otklik.settings import Settings

DATA = Path(__file__).resolve().parent / "data" / "kostroma"
SOCIAL = {"vk", "telegram"}


@dataclass(frozen=True)
class Labelled:
    id: str
    channel: str
    text: str
    is_appeal: bool
    group: str | None
    municipality_id: str | None
    agency_id: str | None


@dataclass(frozen=True)
class Outcome:
    truth: Labelled
    detected: bool
    group: str | None
    municipality_id: str | None
    agency_id: str | None
    score: float  # the decision score of the auto/moderator choice
    needs_moderation: bool

    @property
    def auto_routed(self) -> bool:
        return self.detected and self.agency_id is not None and not self.needs_moderation

    @property
    def routed_right(self) -> bool:
        t = self.truth
        return t.is_appeal and self.agency_id == t.agency_id and self.group == t.group


def read_set(path: Path) -> list[Labelled]:
    fields = {f.name for f in dataclasses.fields(Labelled)}
    with path.open(encoding="utf-8") as handle:
        return [
            Labelled(**{k: v for k, v in json.loads(line).items() if k in fields}) for line in handle if line.strip()
        ]


def run_stages(engine: Understanding, message: Labelled) -> tuple[PipelineContext, bool]:
    """The understanding stages and whether the detector saw an appeal; after a «not an appeal» the rest still
    runs (as when a moderator turns the message into one), to measure each stage on its own."""
    ctx = PipelineContext(raw_text=message.text, channel=message.channel)
    detected = True
    for stage in understanding_stages(engine):
        stage(ctx)
        if ctx.stopped and ctx.detection is not None:
            detected = False
            ctx.detection = dataclasses.replace(ctx.detection, is_appeal=True)
            ctx.stopped = False
    return ctx, detected


def understand(engine: Understanding, message: Labelled) -> Outcome:
    """The understanding stages; after a «not an appeal» the rest still runs, to measure each stage on its own."""
    ctx, detected = run_stages(engine, message)
    category, routing, location = ctx.category, ctx.routing, ctx.location
    toxic = bool(ctx.detection and ctx.detection.toxic)
    if engine.decision is not None and not toxic:
        score = engine.decision.decide(
            ctx.text, ctx.channel, ctx.detection, category, routing, location or LocationGuess()
        ).score
    else:
        score = (
            0.0
            if toxic
            else decision_score(category.confidence if category else None, routing.confidence if routing else None)
        )
    return Outcome(
        message,
        detected,
        category.group if category else None,
        location.municipality_id if location else None,
        routing.agency_id if routing else None,
        score,
        ctx.needs_moderation,
    )


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def report(prefix: str, outcomes: Sequence[Outcome]) -> None:
    appeals = [o for o in outcomes if o.truth.is_appeal]
    detected = [o for o in outcomes if o.detected]
    true_positive = sum(o.truth.is_appeal for o in detected)
    auto = [o for o in outcomes if o.auto_routed]
    print(f"{prefix}_messages: {len(outcomes)} messages")
    print(
        f"{prefix}_appeal_accuracy: {ratio(sum(o.detected == o.truth.is_appeal for o in outcomes), len(outcomes)):.3f}"
    )
    print(f"{prefix}_appeal_precision: {ratio(true_positive, len(detected)):.3f}")
    print(f"{prefix}_appeal_recall: {ratio(true_positive, len(appeals)):.3f}")
    if not appeals:
        return
    print(f"{prefix}_group_accuracy: {ratio(sum(o.group == o.truth.group for o in appeals), len(appeals)):.3f}")
    print(
        f"{prefix}_municipality_accuracy: "
        f"{ratio(sum(o.municipality_id == o.truth.municipality_id for o in appeals), len(appeals)):.3f}"
    )
    print(f"{prefix}_body_accuracy: {ratio(sum(o.agency_id == o.truth.agency_id for o in appeals), len(appeals)):.3f}")
    print(f"{prefix}_auto_share: {ratio(sum(o.truth.is_appeal for o in auto), len(appeals)):.3f}")
    print(f"{prefix}_auto_precision: {ratio(sum(o.routed_right for o in auto), len(auto)):.3f}")
    body_right = sum(o.truth.is_appeal and o.agency_id == o.truth.agency_id for o in auto)
    print(f"{prefix}_auto_precision_body_only: {ratio(body_right, len(auto)):.3f}")


def scored(outcomes: Sequence[Outcome], body_only: bool = False) -> list[Scored]:
    """The candidates for auto-routing: detected and routed; right = a true appeal with body and group right
    (`body_only`: the body right, whatever the group)."""
    return [
        Scored(o.score, (o.truth.is_appeal and o.agency_id == o.truth.agency_id) if body_only else o.routed_right)
        for o in outcomes
        if o.detected and o.agency_id is not None
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default=None, help="comma-separated (default: dev, heldout, fresh, unseen)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--threshold", type=float, default=None, help="auto_assign_threshold (default: settings)")
    parser.add_argument("--curve-step", type=float, default=0.05)
    parser.add_argument(
        "--calibrate-on",
        default="heldout,unseen,unseen2",
        help="sets whose pooled curve chooses the threshold (never the blind set the figures are judged on)",
    )
    parser.add_argument("--errors", action="store_true", help="print every miss (tuning sets only, never a blind set)")
    args = parser.parse_args()
    threshold = Settings().auto_assign_threshold if args.threshold is None else args.threshold
    started = time.perf_counter()
    engine = build_understanding(load_reference(), auto_assign_threshold=threshold)
    print(f"engine_load_time: {time.perf_counter() - started:.1f} s")
    print(f"auto_assign_threshold: {threshold:.2f} ratio")
    results: dict[str, list[Outcome]] = {}
    for name in chosen_sets(args.sets, args.data):
        started = time.perf_counter()
        outcomes = [understand(engine, m) for m in read_set(args.data / f"{name}.jsonl")]
        results[name] = outcomes
        if args.errors:
            print_errors(name, outcomes)
        report(name, outcomes)
        report(f"{name}_social", [o for o in outcomes if o.truth.channel in SOCIAL])
        report(f"{name}_letters", [o for o in outcomes if o.truth.channel not in SOCIAL])
        print(f"{name}_time: {time.perf_counter() - started:.1f} s")
    print_curves(results, grid(args.curve_step))
    print_calibration(results, grid(args.curve_step), [n for n in args.calibrate_on.split(",") if n in results])


BLIND_SETS = {"unseen3", "unseen5"}  # judged on, never tuned to: their misses are not printed


def print_errors(name: str, outcomes: Sequence[Outcome]) -> None:
    """One line per miss of a tuning set: which stage is wrong, the truth and the engine's answer."""
    if name in BLIND_SETS:
        raise SystemExit(f"{name} is the blind set: its misses are not to be looked at")
    for o in outcomes:
        t = o.truth
        wrong = [
            stage
            for stage, bad in (
                ("appeal", o.detected != t.is_appeal),
                ("group", t.is_appeal and o.group != t.group),
                ("municipality", t.is_appeal and o.municipality_id != t.municipality_id),
                ("body", t.is_appeal and o.agency_id != t.agency_id),
                ("auto-wrong", o.auto_routed and not o.routed_right),
            )
            if bad
        ]
        if wrong:
            print(
                f"MISS {t.id} [{','.join(wrong)}] score={o.score:.2f} {t.text[:150]!r}"
                f" | truth {t.is_appeal} {t.group} {t.municipality_id} {t.agency_id}"
                f" | got {o.detected} {o.group} {o.municipality_id} {o.agency_id}"
            )


def chosen_sets(sets: str | None, data: Path) -> list[str]:
    """The sets named on the command line, or dev, heldout and — when they exist — fresh and unseen."""
    if sets is not None:
        return sets.split(",")
    optional = ("fresh", "unseen", "unseen2", "unseen3", "unseen4", "unseen5")
    return ["dev", "heldout"] + [name for name in optional if (data / f"{name}.jsonl").exists()]


def pooled_curve(
    results: dict[str, list[Outcome]], names: Sequence[str], thresholds: Sequence[float]
) -> list[CurvePoint]:
    outcomes = [o for name in names for o in results[name]]
    return curve(scored(outcomes), sum(o.truth.is_appeal for o in outcomes), thresholds)


def print_calibration(results: dict[str, list[Outcome]], thresholds: Sequence[float], pooled: list[str]) -> None:
    """The threshold chosen on the pooled calibration sets (not dev, whose precision is ≥ 0.9 at every threshold
    because it was tuned on), by the margin rule and by the point estimate, what each gives on every set, and the
    margin rule's leave-one-set-out check."""
    if not pooled or any(name in BLIND_SETS for name in pooled):
        return
    points = pooled_curve(results, pooled, thresholds)
    print(f"calibration_sets: {'+'.join(pooled)}")
    for rule, best in (("", threshold_with_margin(points)), ("point_", best_threshold(points))):
        if best is None:
            print(f"calibration_{rule}threshold: none (the pooled sets never reach precision 0.90)")
            continue
        print(f"calibration_{rule}threshold: {best.threshold:.2f} ratio")
        print(f"calibration_{rule}coverage: {best.coverage:.3f} ratio")
        print(f"calibration_{rule}precision: {best.precision:.3f} ratio")
        print(f"calibration_{rule}precision_lower_bound: {precision_lower_bound(best):.3f} ratio")
        for name, set_outcomes in results.items():
            there = curve(scored(set_outcomes), sum(o.truth.is_appeal for o in set_outcomes), [best.threshold])[0]
            print(f"{name}_at_calibration_{rule}threshold_coverage: {there.coverage:.3f} ratio")
            print(f"{name}_at_calibration_{rule}threshold_precision: {there.precision:.3f} ratio")
    for left_out in pooled if len(pooled) > 1 else []:
        others = [name for name in pooled if name != left_out]
        chosen = threshold_with_margin(pooled_curve(results, others, thresholds))
        if chosen is None:
            print(f"leave_out_{left_out}: none ({'+'.join(others)} never reach the bound 0.90)")
            continue
        there = pooled_curve(results, [left_out], [chosen.threshold])[0]
        print(
            f"leave_out_{left_out}: threshold {chosen.threshold:.2f} from {'+'.join(others)};"
            f" there coverage {there.coverage:.3f} precision {there.precision:.3f}"
        )


def print_curves(results: dict[str, list[Outcome]], thresholds: Sequence[float]) -> None:
    """The strict curve (body and group right) and the body-only one; each with the dev-chosen threshold."""
    for kind, body_only in (("", False), ("body_", True)):
        points = {}
        for name, outcomes in results.items():
            appeals = sum(o.truth.is_appeal for o in outcomes)
            points[name] = curve(scored(outcomes, body_only), appeals, thresholds)
            for p in points[name]:
                print(f"{name}_{kind}curve_t{p.threshold:.2f}: coverage {p.coverage:.3f} precision {p.precision:.3f}")
        if "dev" not in points:
            continue
        best = best_threshold(points["dev"])
        if best is None:
            print(f"dev_{kind}best_threshold: none (precision 0.90 is not reached at any threshold)")
            continue
        print(f"dev_{kind}best_threshold: {best.threshold:.2f} ratio")
        print(f"dev_{kind}best_coverage: {best.coverage:.3f} ratio")
        print(f"dev_{kind}best_precision: {best.precision:.3f} ratio")
        for name, curve_points in points.items():
            if name != "dev":
                there = next(p for p in curve_points if p.threshold == best.threshold)
                print(f"{name}_{kind}at_dev_threshold_coverage: {there.coverage:.3f} ratio")
                print(f"{name}_{kind}at_dev_threshold_precision: {there.precision:.3f} ratio")


if __name__ == "__main__":
    main()
