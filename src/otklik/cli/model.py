"""`otklik model …`: train and evaluate text classifiers; rebuild the engine's production models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import joblib
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from otklik.bootstrap import bootstrap
from otklik.nlp.ensemble import train_ensemble
from otklik.nlp.evaluation import cross_validate, read_fine_labels, read_labelled_csv, score
from otklik.nlp.model_store import MODEL_FILE, model_dir, production_models, save_atomically, save_current
from otklik.nlp.models import TextModel
from otklik.nlp.training import train_csv_model, train_production_models
from otklik.services.learning import training_history
from otklik.settings import load_settings

app = typer.Typer(help="Модели понимания текста: обучение и оценка.", no_args_is_help=True)
console = Console(stderr=True)  # progress on stderr: stdout keeps the machine-readable lines


def _predictor(
    texts: Sequence[str], labels: Sequence[str], fine_labels: Sequence[str] | None = None
) -> Callable[[Sequence[str]], Sequence[str]]:
    return train_ensemble(texts, labels, fine_labels=fine_labels).predict


def _fine(data: Path, text_column: str, label_column: str, fine_column: str | None) -> list[str] | None:
    if not fine_column:
        return None
    try:
        return read_fine_labels(data, text_column, label_column, fine_column)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


@app.command("train")
def train(
    data: Path = typer.Option(None, "--data", exists=True, dir_okay=False, help="CSV с текстами и метками"),
    text_column: str = typer.Option("text", "--text-column"),
    label_column: str = typer.Option("label", "--label-column"),
    out: Path = typer.Option(None, "--out", help="Каталог модели"),
    fine_column: str = typer.Option(None, "--fine-column", help="Более дробная метка (каждая — внутри одной метки)"),
) -> None:
    """Обучить классификатор на CSV, а без --data — переобучить рабочие модели движка."""
    if data is None:
        _retrain_production(out)
        return
    texts, labels = read_labelled_csv(data, text_column, label_column)
    if len(set(labels)) < 2:
        raise typer.BadParameter("нужно минимум две разные метки")
    fine = _fine(data, text_column, label_column, fine_column)
    with console.status(f"обучение на {len(texts)} строках…"):
        model = train_csv_model(texts, labels, text_column, label_column, fine_labels=fine)
    target = out or model_dir() / data.stem
    save_atomically(model, target)
    typer.echo(f"model: {target} (rows: {len(texts)}, classes: {len(model.head.classes_)})")


def _retrain_production(out: Path | None) -> None:
    """Seed data plus the system's history (moderators' corrections, people's routing) from the database."""
    settings = load_settings()
    ctx = bootstrap(settings)
    history = training_history(ctx, half_life_days=settings.route_half_life_days)
    typer.echo(
        f"from the system's history: {len(history.examples)} corrections, {len(history.routes)} routes, "
        f"{len(history.promoted)} promoted messages"
    )
    with console.status("обучение рабочих моделей (≈ 30 с)…"):
        models = train_production_models(
            history.examples, extra_routes=history.routes, extra_appeals=history.promoted, reference=ctx.reference
        )
    target = save_current(models, out)
    typer.echo(f"production models: {target} ({models.info})")


@app.command("evaluate")
def evaluate(
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False),
    text_column: str = typer.Option("text", "--text-column"),
    label_column: str = typer.Option("label", "--label-column"),
    model: Path = typer.Option(None, "--model", help="Каталог модели от `otklik model train`"),
    cv: int = typer.Option(0, "--cv", help="K-кратная перекрёстная проверка на этом файле"),
    fine_column: str = typer.Option(None, "--fine-column", help="Более дробная метка для --cv (иерархия)"),
    corpus: str = typer.Option("csv", "--corpus", help="csv — свой CSV; spb — обращения СПб (appeals.csv.zip)"),
    recipe: str = typer.Option("engine", "--recipe", help="для --corpus spb: engine, tfidf или ensemble"),
    limit: int = typer.Option(0, "--limit", help="для --corpus spb: только первые N строк (0 — все)"),
) -> None:
    """Оценить модель на CSV (accuracy, macro_f1, weighted_f1 и отчёт по классам) или на корпусе СПб."""
    if corpus == "spb":
        _evaluate_spb(data, recipe, limit)
        return
    if corpus != "csv":
        raise typer.BadParameter(f"--corpus: csv или spb, не {corpus!r}")
    texts, labels = read_labelled_csv(data, text_column, label_column)
    if cv:
        if cv < 2 or cv > len(texts):
            raise typer.BadParameter("--cv: от 2 до числа строк")
        fine = _fine(data, text_column, label_column, fine_column)
        columns = (TextColumn("перекрёстная проверка"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("cv", total=cv)
            scores = cross_validate(
                texts, labels, _predictor, cv, fine_labels=fine, on_fold=lambda: progress.advance(task)
            )
    else:
        if model is None:
            raise typer.BadParameter("дайте --model или --cv K")
        loaded = joblib.load(model / MODEL_FILE)
        if not isinstance(loaded, TextModel):
            raise typer.BadParameter(f"{model} — не модель классификатора")
        scores = score(labels, loaded.predict(texts))
    for line in scores.lines():
        typer.echo(line)
    typer.echo(scores.report)


def _evaluate_spb(data: Path, recipe: str, limit: int) -> None:
    """Train on four fifths of the distinct texts, score on the rest; our figures beside the published ones."""
    from otklik.nlp.corpus_spb import RECIPES, evaluate_spb, read_spb

    if recipe not in RECIPES:
        raise typer.BadParameter(f"--recipe: {', '.join(RECIPES)}")
    try:
        rows = read_spb(data)
        with console.status(f"обучение и оценка на корпусе СПб ({limit or len(rows)} строк)…"):
            figures = evaluate_spb(rows[:limit] if limit else rows, RECIPES[recipe])
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    for line in figures.lines():
        typer.echo(line)


@app.command("build")
def build(directory: Path = typer.Option(None, "--dir", help="Каталог моделей (OTKLIK_MODEL_DIR)")) -> None:
    """Собрать рабочие модели из поставляемых данных (один раз; дальше — из кэша)."""
    from otklik.nlp.factory import cached_gazetteer
    from otklik.reference.files import load_reference

    with console.status("сборка моделей и словаря мест…"):
        models = production_models(directory)
        cached_gazetteer(load_reference(), directory)
    typer.echo(f"models ready in {model_dir(directory)} ({models.info})")
