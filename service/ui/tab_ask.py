"""The Ask tab: a streaming chat over all articles or one, with expandable citations and the fidelity verdict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from service import serialize
from service.app import Newsdesk
from service.errors import NewsdeskError
from service.progress import Stage, Waiting, ticking
from service.qa.answer import Answer, Turn
from service.ui.errors import message
from service.ui.format_answer import answer_markdown, timings_line
from service.ui.format_tables import ALL_ARTICLES
from service.ui.markup import inert

Message = dict[str, str]
NO_ARTICLES = "There are no articles yet: add some in the **Articles** tab, then ask again."
EXAMPLES = ["Who took over from Barret Zoph?", "Why are researchers leaving OpenAI?"]


class AskHandlers:
    def __init__(self, desk: Newsdesk) -> None:
        self._desk = desk

    def ask(
        self, question: str, history: list[Message] | None, article_id: str | None, turns: list[Turn] | None
    ) -> Iterator[tuple[list[Message], str, list[Turn], dict[str, Any], str]]:
        """Stream the answer into the chat; errors become a chat message, never a stack trace."""
        chat = [*(history or [])]
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            yield [*chat], "", turns, {}, ""
            return
        waiting = Waiting()
        chat += [{"role": "user", "content": inert(question)}, {"role": "assistant", "content": _wait(waiting)}]
        yield [*chat], "", turns, {}, ""
        pieces: list[str] = []
        answer: Answer | None = None
        try:
            if not self._desk.catalog.list():
                chat[-1] = {"role": "assistant", "content": NO_ARTICLES}
                yield [*chat], "", turns, {}, ""
                return
            for event in ticking(self._desk.qa.ask(question, article_id or None, history=turns[-1:])):
                if isinstance(event, Answer):
                    answer = event
                    continue
                if isinstance(event, Stage):
                    waiting.update(event)
                elif isinstance(event, str):
                    pieces.append(event)
                text = inert("".join(pieces))
                busy = not pieces or (waiting.stage is not None and waiting.stage.name.startswith("checking"))
                chat[-1] = {"role": "assistant", "content": f"{text}\n\n{_wait(waiting)}" if busy else text}
                yield [*chat], "", turns, {}, ""
        except Exception as exc:  # shown in the conversation, which stays usable
            problem = message(exc)
            chat[-1] = {"role": "assistant", "content": f"⚠ {inert(problem)}"}
            yield (
                chat,
                "",
                turns,
                {"error": problem, "kind": type(exc).__name__ if isinstance(exc, NewsdeskError) else "internal"},
                "",
            )
            return
        assert answer is not None
        chat[-1] = {"role": "assistant", "content": answer_markdown(answer)}
        turns.append(Turn(question, answer.text))
        yield [*chat], "", turns, serialize.answer_dict(answer), timings_line(answer.timings)


def _wait(waiting: Waiting) -> str:
    """The waiting line under the answer: the step under way and the seconds it has taken so far."""
    return f"*⏳ {inert(waiting.line())}*"


def build(handlers: AskHandlers) -> gr.Dropdown:
    """The tab's components and events (inside an open gr.Tab); returns the article picker to keep in sync."""
    article = gr.Dropdown(
        label="Ask about", choices=[(ALL_ARTICLES, "")], value="", elem_id="ask-article", filterable=True
    )
    chatbot = gr.Chatbot(
        label="Conversation", height=480, elem_id="ask-chat", buttons=["copy"],
        placeholder="Ask about the articles. Answers cite their sources; unsupported sentences are marked.",
    )  # fmt: skip
    with gr.Row():
        question = gr.Textbox(
            label="Question", placeholder="e.g. Who took over from Barret Zoph?", scale=5, elem_id="ask-question",
            max_length=1000, submit_btn=True,
        )  # fmt: skip
        new = gr.Button("New conversation", scale=1, variant="secondary")
    gr.Examples(EXAMPLES, inputs=question)
    timings = gr.Markdown(elem_id="ask-timings")
    with gr.Accordion("Answer details (JSON: citations, fidelity per sentence, timings)", open=False):
        details = gr.JSON(label="details")
    turns = gr.State([])
    question.submit(
        handlers.ask, [question, chatbot, article, turns], [chatbot, question, turns, details, timings],
        concurrency_id="llm", concurrency_limit=1, api_visibility="private",
    )  # fmt: skip
    new.click(lambda: ([], [], {}, ""), None, [chatbot, turns, details, timings], api_visibility="private")
    return article
