"""Reading and pressing what is inside PaperShelf's closed shadow roots, as the browser does
(Chromium over CDP; Firefox over WebDriver BiDi in `ff_accessible`): no page script can reach
these nodes, the tests reach them from outside."""

from __future__ import annotations


def _attrs(node: dict) -> dict:
    a = node.get("attributes") or []
    return dict(zip(a[::2], a[1::2]))


def _walk(node: dict):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed((n.get("children") or []) + (n.get("shadowRoots") or [])))


def hosts(chrome, page, host_class: str = "papershelf-badge-host") -> list[dict]:
    """Every host of that class (CDP nodes, shadow roots included)."""
    doc = chrome.cdp(page).send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    return [n for n in _walk(doc) if n.get("nodeName") == "SPAN" and host_class in _attrs(n).get("class", "").split()]


def inside(host: dict, css_class: str | None = None, tag: str | None = None) -> list[dict]:
    """Nodes in a host's shadow root with that class and/or tag name, as (attributes, backendNodeId)."""
    out = []
    for root in host.get("shadowRoots") or []:
        for n in _walk(root):
            a = _attrs(n)
            if (css_class is None or css_class in a.get("class", "").split()) and (tag is None or n.get("nodeName") == tag.upper()):
                out.append({"attrs": a, "node": n["backendNodeId"], "raw": n})
    return out


def badge_host(chrome, page, paper_id: str) -> dict:
    for h in hosts(chrome, page):
        if any(b["attrs"].get("data-id") == paper_id for b in inside(h, tag="button")):
            return h
    raise AssertionError(f"no badge for {paper_id}")


def call(chrome, page, backend_node_id: int, function: str):
    """Run `function` (a JS function of `this`) on a node and return its JSON value."""
    cdp = chrome.cdp(page)
    obj = cdp.send("DOM.resolveNode", {"backendNodeId": backend_node_id})["object"]
    r = cdp.send("Runtime.callFunctionOn", {"objectId": obj["objectId"], "functionDeclaration": function, "returnByValue": True})
    cdp.send("Runtime.releaseObject", {"objectId": obj["objectId"]})
    return r["result"].get("value")


def click(chrome, page, backend_node_id: int) -> None:
    """A person's click at the centre of the node's box (trusted input)."""
    cdp = chrome.cdp(page)
    cdp.send("DOM.scrollIntoViewIfNeeded", {"backendNodeId": backend_node_id})
    quad = cdp.send("DOM.getBoxModel", {"backendNodeId": backend_node_id})["model"]["border"]
    page.mouse.click(sum(quad[0::2]) / 4, sum(quad[1::2]) / 4)


def toast(chrome, page) -> dict | None:
    """What the toast says and offers, or None when it is not shown."""
    for h in hosts(chrome, page, "papershelf-toast-host"):
        box = inside(h, "box")[0]
        if "hidden" in box["attrs"]:
            return None
        buttons = [b for b in inside(h, tag="button") if "hidden" not in b["attrs"]]
        return {"text": inside(h, "msg")[0]["attrs"].get("data-label"),
                "buttons": {b["attrs"].get("data-label"): b["node"] for b in buttons}}
    return None


def focused_in(chrome, page, host: dict) -> str | None:
    """The class of the element focused inside a host's shadow root (None: focus elsewhere)."""
    node = inside(host, "wrap")[0]["node"] if inside(host, "wrap") else host["backendNodeId"]
    return call(chrome, page, node, "function () { const a = this.getRootNode().activeElement;"
                " return a && document.activeElement === this.getRootNode().host ? (a.className || a.tagName) : null; }")


def ff_accessible(ff, host_class: str, **locator) -> list[dict]:
    """Nodes Firefox's accessibility engine finds by computed role / accessible name (``locator``,
    e.g. role="button", name="Undo") inside the closed shadow roots of our ``span.host_class``
    hosts. BiDi's accessibility locator does not search into shadow roots from the document, so
    it starts from each host's root. Each node is BiDi's serialization (``sharedId``, ``value``)."""
    found_hosts = ff.send("browsingContext.locateNodes", {
        "context": ff.context, "locator": {"type": "css", "value": f"span.{host_class}"},
        "serializationOptions": {"maxDomDepth": 1, "includeShadowTree": "all"}})["nodes"]
    out = []
    for h in found_hosts:
        root = (h.get("value") or {}).get("shadowRoot")
        if root:
            out += ff.send("browsingContext.locateNodes", {
                "context": ff.context, "locator": {"type": "accessibility", "value": locator},
                "startNodes": [{"sharedId": root["sharedId"]}]})["nodes"]
    return out
