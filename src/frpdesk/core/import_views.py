"""The page and the API action that import one uploaded file through an app's import service.

Each import service is called as ``run_import(acting_user=…, file_name=…, content=…)`` and
answers an outcome with ``summary()``. A file-once import (the same file again changes nothing)
passes ``created``, telling from its outcome whether the file was new. A bad file raises
:class:`~frpdesk.core.imports.ImportFailure` before anything is written.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.contrib import messages
from django.db import models
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from frpdesk.core.access import Action, acting_user, require
from frpdesk.core.imports import ImportFailure, read_upload

if TYPE_CHECKING:
    from frpdesk.accounts.models import User


class ImportOutcome(Protocol):
    """What an import service answers: at least a one-line summary of what it did."""

    def summary(self) -> str: ...


OutcomeT = TypeVar("OutcomeT", bound=ImportOutcome)
OutcomeT_co = TypeVar("OutcomeT_co", bound=ImportOutcome, covariant=True)


class ImportService(Protocol[OutcomeT_co]):
    """An app's import function, e.g. ``import_survey``."""

    def __call__(
        self, *, acting_user: "User | None", file_name: str, content: bytes
    ) -> OutcomeT_co: ...


def run_upload(
    request: HttpRequest | Request,
    upload: Any,
    *,
    default_name: str,
    run_import: ImportService[OutcomeT],
) -> tuple[str, OutcomeT]:
    """The uploaded file's name and what importing it did; raises ``ImportFailure``."""
    name, content = read_upload(upload, default_name)
    return name, run_import(acting_user=acting_user(request), file_name=name, content=content)


def file_import_page(
    request: HttpRequest,
    *,
    model: type[models.Model],
    form_class: type[Form],
    title: str,
    sample: str,
    default_name: str,
    run_import: ImportService[OutcomeT],
    success_url: Callable[[OutcomeT], str],
    template_name: str,
    created: Callable[[OutcomeT], bool] | None = None,
    actions: Sequence[Action] = ("add",),
    error_status: int = 200,
) -> HttpResponse:
    """The page importing one file (the form's ``file``).

    Requires each of ``actions`` on ``model``. A GET shows the form, ``sample`` and ``title``;
    a valid POST runs ``run_import``: a bad file shows its error (answered with
    ``error_status``), else a message ("Imported <name>: <summary>.", or "<name>: <summary>."
    as info when ``created`` says the file was imported before) and a redirect to
    ``success_url(outcome)``.
    """
    for action in actions:
        require(request.user, action, model)
    form = form_class(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"title": title, "form": form, "sample": sample}
    if request.method == "POST" and form.is_valid():
        try:
            name, outcome = run_upload(
                request,
                form.cleaned_data["file"],
                default_name=default_name,
                run_import=run_import,
            )
        except ImportFailure as failure:
            context["error"] = str(failure)
            return render(request, template_name, context, status=error_status)
        if created is not None and not created(outcome):
            messages.info(request, f"{name}: {outcome.summary()}.")
        else:
            messages.success(request, f"Imported {name}: {outcome.summary()}.")
        return redirect(success_url(outcome))
    return render(request, template_name, context)


def api_file_import(
    request: Request,
    *,
    upload_serializer: type[serializers.Serializer[Any]],
    default_name: str,
    run_import: ImportService[OutcomeT],
    serialize: Callable[[OutcomeT], Mapping[str, Any]],
    created: Callable[[OutcomeT], bool] | None = None,
    with_detail: bool = True,
) -> Response:
    """An API action importing the multipart ``file`` checked by ``upload_serializer``.

    Answers ``serialize(outcome)``, plus ``detail`` ("<name>: <summary>") when ``with_detail``:
    201 when ``created`` says the file was new, else 200; a bad file is a 400 whose
    ``detail`` names the file, row and column.
    """
    body = upload_serializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        name, outcome = run_upload(
            request,
            body.validated_data["file"],
            default_name=default_name,
            run_import=run_import,
        )
    except ImportFailure as failure:
        return Response({"detail": str(failure)}, status=status.HTTP_400_BAD_REQUEST)
    answer = dict(serialize(outcome))
    if with_detail:
        answer["detail"] = f"{name}: {outcome.summary()}"
    return Response(
        answer,
        status=(
            status.HTTP_201_CREATED
            if created is not None and created(outcome)
            else status.HTTP_200_OK
        ),
    )


def upload_serializer(name: str, help_text: str) -> type[serializers.Serializer[Any]]:
    """A serializer (class ``name``, naming its OpenAPI component) of an import's multipart
    ``file``. An empty file passes, to be refused with the same message as a page upload."""
    file = serializers.FileField(allow_empty_file=True, help_text=help_text)
    return type(name, (serializers.Serializer,), {"file": file, "__module__": __name__})


def with_detail(
    base: type[serializers.ModelSerializer[Any]], name: str
) -> type[serializers.ModelSerializer[Any]]:
    """``base`` (class ``name``, naming its OpenAPI component) with the ``detail`` the import
    answers: what it did."""
    fields = [*base.Meta.fields, "detail"]
    meta = type("Meta", (base.Meta,), {"fields": fields, "read_only_fields": fields})
    detail = serializers.CharField(read_only=True, help_text="What the import did.")
    return type(name, (base,), {"detail": detail, "Meta": meta, "__module__": __name__})
