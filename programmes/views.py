from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Region
from .selectors import region_public_summary


def region_home(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    return render(request, "programmes/region_home.html", {"summary": region_public_summary(region)})
