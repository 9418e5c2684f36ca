"""The API's schema and a readable docs page rendered from it on the server (no CDN, no script, CSP-clean)."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def openapi_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema_name(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return str(ref["$ref"]).rsplit("/", 1)[-1]
    if ref.get("type") == "array" and "items" in ref:
        return f"list of {_schema_name(ref['items'])}"
    return str(ref.get("type", ""))


def _response_schema(response: dict[str, Any]) -> str:
    content: dict[str, Any] = response.get("content", {})
    first: dict[str, Any] = next(iter(content.values()), {})
    return _schema_name(first.get("schema"))


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                {
                    "anchor": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(body),
                    "responses": [
                        {
                            "status": status,
                            "description": r.get("description", ""),
                            "schema": _response_schema(r),
                        }
                        for status, r in op.get("responses", {}).items()
                    ],
                    "security": bool(op.get("security")) and op.get("security") != [{}],
                }
            )
    return operations


def _components(schema: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for name, body in sorted(schema.get("components", {}).get("schemas", {}).items()):
        props = [
            {
                "name": prop,
                "type": _schema_name(info) or info.get("format", ""),
                "format": info.get("format", ""),
                "enum": info.get("enum", []),
                "read_only": info.get("readOnly", False),
                "required": prop in body.get("required", []),
                "description": info.get("description", ""),
            }
            for prop, info in body.get("properties", {}).items()
        ]
        items.append({"name": name, "properties": props, "enum": body.get("enum", [])})
    return items


def docs(request: HttpRequest) -> HttpResponse:
    schema = openapi_schema()
    context = {"info": schema["info"], "operations": _operations(schema), "components": _components(schema)}
    return render(request, "api/docs.html", context)
