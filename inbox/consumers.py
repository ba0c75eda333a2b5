"""The one websocket per agent tab: subscriptions checked against membership, events relayed.

Rendering strategy: the server pushes only small JSON facts (the `inbox.event` payloads
from inbox.realtime: "message.created"/"message.updated" with the message id and status,
"conversation.updated" with the conversation id, "typing"). The page reacts with htmx:
it fetches the server-rendered fragment of the changed message row, or re-fetches the
conversation list fragment, from ordinary Django views that read the database. So the
HTML has one source (templates + database), the socket carries no tenant data beyond ids
and statuses, and a tab that missed events (reconnect, sleep) catches up by re-fetching
its fragments: the stream is a hint, the database is the truth.

Protocol (browser -> server):
    {"subscribe": {"workspace": "<slug>"}}        join ws-<workspace id>; the tab counts
                                                  toward the agent's presence (online)
    {"subscribe": {"conversation": <id>}}         join conv-<id> (replaces the previous one);
                                                  the agent is listed as viewing it
    {"subscribe": {"campaign": <id>}}             join campaign-<id> (replaces the previous
                                                  one): managers and admins of its workspace
    {"typing": <conversation id>}                 the agent is typing (published, not stored);
                                                  with "is_typing": false, stopped (sent/cleared)
    {"heartbeat": true}                           every ~20 s: keeps presence and viewing
                                                  alive (they expire without it), answered
                                                  with a pong so the page notices a dead link
Server -> browser:
    {"type": "subscribed", "workspace": slug} / {"type": "subscribed", "conversation": id}
    / {"type": "subscribed", "campaign": id}
    {"type": "pong"}
    {"type": "error", "error": "not_found" | "bad_request", "detail": "..."}
    {"type": "events", "events": [{"type": "event", ...}, ...]}   several at once, in
                                                  order (a batch applied in one transaction)
    {"type": "event", "event": "...", ...}        a relayed inbox.event:
        "message.created" / "message.updated" {conversation_id, message_id, status,
            direction, assignee_id}
        "conversation.updated" {conversation_id, assignee_id}
        "typing" {conversation_id, who: "contact" | "agent", is_typing, user_id, name}
        "viewers" {conversation_id, viewers: [{user_id, name}]}
        "presence" {user_id, name, status}
        "mention" {conversation_id, message_id, user_ids, author_id, author}
        "campaign.progress" {campaign_id, status, recipients, excluded, waiting, queued,
            sent, delivered, read, failed, fell_back, done, percent}: at most one a
            second per campaign (inbox/realtime/campaign_progress.py)
    A refused handshake closes with 4401 (anonymous); one whose session still owes the
    two-factor step never reaches this consumer (members.websocket_gate closes it, 4403).
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from inbox import access, metrics, realtime, services
from inbox.realtime import campaign_progress, relay
from inbox.services import presence, viewers

# The close code for a refused handshake (4000-4999 are application codes): an anonymous
# user.
UNAUTHENTICATED = 4401


class InboxConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message: dict) -> None:
        """A relayed live event goes straight to inbox_event.

        Channels' dispatch first closes stale database connections on a pool thread, for
        every message of every socket; a relayed event reads no database, and under a
        campaign's reply rate with 50 tabs open that thread hop was about a tenth of the
        web process's CPU (bench/inbound_e2e). Whatever does read the database here goes
        through database_sync_to_async, which closes stale connections itself.
        """
        if message.get("type") == "inbox.event":
            await self.inbox_event(message)
            return
        await super().dispatch(message)

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.groups_joined: set[str] = set()
        self.conversation_group: str | None = None
        self.workspace_id: int | None = None
        self.conversation_id: int | None = None
        if not getattr(self.user, "is_authenticated", False):
            await self.close(code=UNAUTHENTICATED)
            return
        await self.accept()
        self.counted = True
        metrics.WEBSOCKETS.inc()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            self.counted = False
            metrics.WEBSOCKETS.dec()
        for group in getattr(self, "groups_joined", set()):
            await self.channel_layer.group_discard(group, self.channel_name)
        if getattr(self, "conversation_id", None) is not None:
            await database_sync_to_async(viewers.leave)(
                self.conversation_id, self.user, self.channel_name
            )
        if getattr(self, "workspace_id", None) is not None:
            await database_sync_to_async(presence.tab_closed)(
                self.workspace_id, self.user.pk, self.channel_name
            )

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            await self._error("bad_request", "expected a JSON object")
            return
        if "subscribe" in content and isinstance(content["subscribe"], dict):
            subscribe = content["subscribe"]
            if "workspace" in subscribe:
                await self._subscribe_workspace(subscribe["workspace"])
            elif "conversation" in subscribe:
                await self._subscribe_conversation(subscribe["conversation"])
            elif "campaign" in subscribe:
                await self._subscribe_campaign(subscribe["campaign"])
            else:
                await self._error("bad_request", "subscribe to a workspace or a conversation")
        elif "typing" in content:
            await self._typing(content["typing"], is_typing=content.get("is_typing") is not False)
        elif content.get("heartbeat") is True:
            await self._heartbeat()
        else:
            await self._error("bad_request", "unknown command")

    async def inbox_event(self, message: dict) -> None:
        """Relay a published event; an agent's own typing is not echoed back to them.

        A "batch" (inbox.realtime.batched: many changes applied in one transaction) goes
        out as one frame {"type": "events", "events": [<event frame>, ...]}. The frame's
        text is made once per process for all the sockets relaying the same message
        (inbox/realtime/relay.py), not once per socket.
        """
        if message.get("event") == "typing" and message.get("user_id") == self.user.pk:
            return
        await self.send(text_data=relay.frame_texts.text(message))

    async def _subscribe_workspace(self, slug) -> None:
        workspace = await database_sync_to_async(access.workspace_for_user)(self.user, slug)
        if workspace is None:
            await self._error("not_found", "no such workspace")
            return
        await self._join(realtime.workspace_group(workspace.pk))
        if self.workspace_id is not None and self.workspace_id != workspace.pk:
            await database_sync_to_async(presence.tab_closed)(
                self.workspace_id, self.user.pk, self.channel_name
            )
        self.workspace_id = workspace.pk
        await database_sync_to_async(presence.tab_alive)(
            workspace.pk, self.user.pk, self.channel_name
        )
        await self.send_json({"type": "subscribed", "workspace": workspace.slug})

    async def _subscribe_conversation(self, conversation_id) -> None:
        conversation = await database_sync_to_async(access.conversation_for_user)(
            self.user, conversation_id
        )
        if conversation is None:
            await self._error("not_found", "no such conversation")
            return
        group = realtime.conversation_group(conversation.pk)
        if self.conversation_group and self.conversation_group != group:
            await self.channel_layer.group_discard(self.conversation_group, self.channel_name)
            self.groups_joined.discard(self.conversation_group)
        self.conversation_group = group
        await self._join(group)
        if self.conversation_id is not None and self.conversation_id != conversation.pk:
            await database_sync_to_async(viewers.leave)(
                self.conversation_id, self.user, self.channel_name
            )
        self.conversation_id = conversation.pk
        await self.send_json({"type": "subscribed", "conversation": conversation.pk})
        # After "subscribed": the page's own list of viewers arrives as the next event.
        await database_sync_to_async(viewers.join)(conversation, self.user, self.channel_name)

    async def _subscribe_campaign(self, campaign_id) -> None:
        """A campaign's progress frames: its workspace's managers and admins only."""
        campaign = await database_sync_to_async(access.campaign_for_manager)(self.user, campaign_id)
        if campaign is None:
            await self._error("not_found", "no such campaign")
            return
        group = campaign_progress.campaign_group(campaign.pk)
        previous = getattr(self, "campaign_group", None)
        if previous and previous != group:
            await self.channel_layer.group_discard(previous, self.channel_name)
            self.groups_joined.discard(previous)
        self.campaign_group = group
        await self._join(group)
        await self.send_json({"type": "subscribed", "campaign": campaign.pk})

    async def _heartbeat(self) -> None:
        if self.workspace_id is not None:
            await database_sync_to_async(presence.tab_alive)(
                self.workspace_id, self.user.pk, self.channel_name
            )
        if self.conversation_id is not None:
            await database_sync_to_async(viewers.heartbeat)(
                self.conversation_id, self.user, self.channel_name
            )
        await self.send_json({"type": "pong"})

    async def _typing(self, conversation_id, *, is_typing: bool = True) -> None:
        conversation = await database_sync_to_async(access.conversation_for_user)(
            self.user, conversation_id
        )
        if conversation is None:
            await self._error("not_found", "no such conversation")
            return
        await database_sync_to_async(services.agent_typing)(
            conversation, self.user, is_typing=is_typing
        )

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.add(group)

    async def _error(self, error: str, detail: str) -> None:
        await self.send_json({"type": "error", "error": error, "detail": detail})
