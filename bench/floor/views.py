"""The floor: parse the same form body, insert one row, answer the same empty TwiML.

Everything the real ingest does beyond this (signature check, contact and conversation
lookup, status history, realtime fan-out) is what the benchmark's ratio measures.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bench.floor.models import FloorRow


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> HttpResponse:
    FloorRow.objects.create(key=request.POST["MessageSid"], body=request.POST.get("Body", ""))
    return HttpResponse("<Response/>", content_type="text/xml")
