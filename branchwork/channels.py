"""How a delivery leaves: e-mail through Django's backend, or a group robot's webhook.

Message formats follow the robots' documentation:
- WeCom (企业微信) group robot: POST JSON {"msgtype": "markdown", "markdown": {"content": …}}
  to the webhook URL (…/cgi-bin/webhook/send?key=…); success is {"errcode": 0}.
- DingTalk (钉钉) custom robot: POST JSON {"msgtype": "markdown", "markdown": {"title": …,
  "text": …}} to …/robot/send?access_token=…; with 加签 the URL also carries `timestamp`
  (milliseconds) and `sign` = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")));
  success is {"errcode": 0}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from branchwork.models import Channel, Delivery


class ChannelError(RuntimeError):
    pass


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        send_email(delivery)
    elif delivery.channel == Channel.WECOM:
        post_json(delivery.webhook.url, wecom_payload(delivery))
    elif delivery.channel == Channel.DINGTALK:
        url = dingtalk_url(delivery.webhook.url, delivery.webhook.secret)
        post_json(url, dingtalk_payload(delivery))
    else:
        raise ChannelError(f"no sender for channel {delivery.channel!r}")


def send_email(delivery: Delivery) -> None:
    recipient = delivery.notification.recipient
    if not recipient.email:
        raise ChannelError("the recipient has no e-mail address")
    body = delivery.body
    if delivery.link:
        body = f"{body}\n\n{absolute(delivery.link)}"
    send_mail(
        subject=f"【支部工作台】{delivery.title}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient.email],
        fail_silently=False,
    )


def markdown_text(delivery: Delivery) -> str:
    lines = [f"### {delivery.title}"]
    if delivery.body:
        lines.append(delivery.body)
    if delivery.link:
        lines.append(f"[查看详情]({absolute(delivery.link)})")
    return "\n\n".join(lines)


def wecom_payload(delivery: Delivery) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": markdown_text(delivery)}}


def dingtalk_payload(delivery: Delivery) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"title": delivery.title, "text": markdown_text(delivery)},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"


def post_json(url: str, payload: dict, *, timeout: float = 10) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
        raise ChannelError(str(exc)) from None
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg')}")
    return answer
