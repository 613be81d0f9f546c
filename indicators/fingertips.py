"""A small client of the OHID Fingertips API (https://fingertips.phe.org.uk/api).

The official Python client, fingertips_py, answers with pandas data frames: a heavy dependency
for two requests. This client asks for the same endpoints fingertips_py calls:

- `all_data/csv/by_indicator_id?indicator_ids=N&child_area_type_id=A&parent_area_type_id=P`:
  the "all data" CSV export of one indicator for every area of type A (councils: 502, upper
  tier from April 2023), with their parents of type P (6: the English regions) and England.
  The answer is fed, as a text stream, to the one importer (indicators/importer.py).
- `indicator_metadata/csv/by_indicator_id?indicator_ids=N`: the indicator's metadata as CSV,
  with its name ("Indicator"), "Unit" and "Polarity" ("RAG - Low is good", "RAG - High is
  good", "BOB - Blue orange blue", "Not applicable").

Every request has a connect and a read timeout and is retried (urllib3's Retry) after a timeout,
a lost connection or a 5xx answer, with exponential backoff; what still fails raises
FingertipsError with a message a coordinator can read.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from typing import TextIO

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .models import Indicator

# The English regions: the parent area type of the councils in an all-data export.
REGIONS_AREA_TYPE_ID = 6
# Answers bigger than this are not an indicator's export for England's councils.
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
# Kept in memory up to this size, then spooled to a temporary file.
SPOOL_BYTES = 5 * 1024 * 1024

POLARITIES = {
    "rag - low is good": Indicator.Polarity.LOWER_IS_BETTER,
    "rag - high is good": Indicator.Polarity.HIGHER_IS_BETTER,
    "low is good": Indicator.Polarity.LOWER_IS_BETTER,
    "high is good": Indicator.Polarity.HIGHER_IS_BETTER,
}


class FingertipsError(Exception):
    """Fingertips could not be read: unreachable, too slow, an error answer or an odd one."""


@dataclass(frozen=True)
class IndicatorMetadata:
    fingertips_id: int
    name: str
    unit: str
    polarity: str


class FingertipsClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
    ):
        self.base_url = (base_url or settings.FINGERTIPS_API_URL).rstrip("/")
        self.timeout = (
            connect_timeout if connect_timeout is not None else settings.FINGERTIPS_CONNECT_TIMEOUT,
            read_timeout if read_timeout is not None else settings.FINGERTIPS_READ_TIMEOUT,
        )
        retries = settings.FINGERTIPS_RETRIES if retries is None else retries
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            backoff_factor=settings.FINGERTIPS_BACKOFF if backoff is None else backoff,
            # After the last retry, hand back the error answer so that it is reported as such.
            raise_on_status=False,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "SLI Portal (outcome indicators)"
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def all_data_csv(self, fingertips_id: int, *, child_area_type_id: int) -> TextIO:
        """The indicator's "all data" CSV, as a text stream to read once."""
        params = {
            "indicator_ids": fingertips_id,
            "child_area_type_id": child_area_type_id,
            "parent_area_type_id": REGIONS_AREA_TYPE_ID,
        }
        with self._get("all_data/csv/by_indicator_id", params, stream=True) as response:
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
            size = 0
            try:
                for part in response.iter_content(64 * 1024):
                    size += len(part)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise FingertipsError(f"the answer is larger than {MAX_DOWNLOAD_BYTES // 2**20} MB")
                    spool.write(part)
            except requests.RequestException as error:
                spool.close()
                raise FingertipsError(f"the answer was cut short: {_reason(error)}") from error
            except FingertipsError:
                spool.close()
                raise
        spool.seek(0)
        return io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")

    def indicator_metadata(self, fingertips_id: int) -> IndicatorMetadata:
        with self._get("indicator_metadata/csv/by_indicator_id", {"indicator_ids": fingertips_id}) as response:
            text = response.content.decode("utf-8-sig", errors="replace")
        for row in csv.DictReader(io.StringIO(text)):
            row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
            if row.get("indicator id") == str(fingertips_id) and row.get("indicator"):
                return IndicatorMetadata(
                    fingertips_id=fingertips_id,
                    name=row["indicator"],
                    unit=row.get("unit", ""),
                    polarity=POLARITIES.get(row.get("polarity", "").lower(), Indicator.Polarity.NEITHER),
                )
        raise FingertipsError(f"Fingertips has no indicator {fingertips_id}")

    def _get(self, path: str, params: dict, *, stream: bool = False) -> requests.Response:
        url = f"{self.base_url}/{path}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, stream=stream)
        except requests.RequestException as error:
            raise FingertipsError(_reason(error)) from error
        if response.status_code != 200:
            response.close()
            raise FingertipsError(f"Fingertips answered {response.status_code} {response.reason or ''}".strip())
        return response


def _reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout) or "timed out" in str(error).lower():
        return "Fingertips did not answer in time"
    if isinstance(error, requests.ConnectionError):
        return "Fingertips could not be reached"
    return f"the request failed ({type(error).__name__})"
