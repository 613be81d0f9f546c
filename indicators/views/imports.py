"""Indicator views: imports.

The coordinator uploads a Fingertips "all data" CSV export; the one importer loads it (values
are shared by every region, the import records who ran it and from which region) and the
result page shows the summary line and the rejected rows. The history lists every import.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from programmes.access import get_region_for_user
from programmes.models import Region

from ..forms import FingertipsUploadForm
from ..importer import import_values
from ..models import IndicatorImport

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
PER_PAGE = 25


def _region_imports(region: Region):
    """The region's own uploads and the imports of no region (the command, the weekly refresh):
    the values are shared, but who uploaded what in another region is that region's business."""
    return IndicatorImport.objects.filter(Q(region=region) | Q(region__isnull=True))


@GET_POST
def indicator_upload(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    # Bound on every POST, even one without any field: an empty upload is an error to show.
    posted = request.method == "POST"
    form = FingertipsUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = import_values(
                file=io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline=""),
                source=IndicatorImport.Source.FILE,
                file_name=upload.name,
                run_by=request.user,
                region=region,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"{upload.name} imported: {record.summary}")
            return redirect("indicator_import_detail", region.slug, record.pk)
    return render(request, "indicators/upload.html", {"region": region, "form": form})


@require_GET
def indicator_import_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    imports = _region_imports(region).select_related("run_by", "region").defer("rejections")
    page = Paginator(imports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "indicators/import_list.html", {"region": region, "page": page})


@require_GET
def indicator_import_detail(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    record = get_object_or_404(_region_imports(region).select_related("run_by"), pk=import_id)
    return render(request, "indicators/import_detail.html", {"region": region, "record": record})
