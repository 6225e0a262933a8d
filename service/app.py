"""The one place where newsdesk's parts are built and wired together, lazily.

Nothing here runs at import time: a ``Newsdesk`` builds each component on first use, so a
command that only lists articles never loads the embedding model.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from service.embeddings.base import Embedder
from service.embeddings.factory import build_embedder
from service.fidelity.calibration import fitted
from service.fidelity.checker import FidelityChecker
from service.fidelity.claim_judge import ClaimJudge
from service.fidelity.decision import JudgeMode, fitted_decisions
from service.fidelity.judge_stage import JudgeStage
from service.fidelity.verifier import CrossEncoderVerifier
from service.index.client import build_chroma_client
from service.index.store import ArticleStore
from service.ingest.catalog import Catalog
from service.ingest.chunking import Chunker
from service.ingest.fetch import FetchPolicy
from service.ingest.service import IngestService
from service.ingest.sources import DraftReader
from service.llm.client import LLM
from service.llm.factory import build_llm
from service.llm.local_server import LocalServer
from service.prompts import load_prompt
from service.qa.keyword_index import KeywordIndex
from service.qa.policy import QAPolicy
from service.qa.retriever import HybridRetriever
from service.qa.service import QAService
from service.rewrite.service import RewriteService
from service.rewrite.unit_check import policy_without
from service.search.service import SearchService
from service.settings import Settings


class Newsdesk:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embedder(self) -> Embedder:
        return build_embedder(self.settings)

    @cached_property
    def store(self) -> ArticleStore:
        client = build_chroma_client(self.settings)
        return ArticleStore(client, self.settings.collection, self.embedder.model_id)

    @cached_property
    def ingest(self) -> IngestService:
        s = self.settings
        policy = FetchPolicy(
            timeout_s=s.fetch_timeout_s, max_bytes=int(s.max_file_mb * 1e6), allow_private=s.allow_private_urls
        )
        chunker = Chunker(s.chunk_size, s.chunk_overlap)
        return IngestService(self.store, self.embedder, chunker, DraftReader(policy), s.max_article_chars)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.store)

    @cached_property
    def search(self) -> SearchService:
        return SearchService(self.store, self.embedder)

    @cached_property
    def local_server(self) -> LocalServer:
        return LocalServer(self.settings)

    @cached_property
    def llm(self) -> LLM:
        """The chat model; for the embedded backend this starts (or attaches to) the local server."""
        return build_llm(self.settings, self.local_server)

    @cached_property
    def checker(self) -> FidelityChecker:
        return self.checker_judging(self.settings.fidelity_judge)

    def checker_judging(self, mode: JudgeMode) -> FidelityChecker:
        """The fidelity checker with the language model in its decision as ``mode`` says (the settings' mode is
        ``checker``); the fast checker alone with ``off`` or the word-overlap model."""
        s = self.settings
        if s.fidelity_model == "lexical":
            return FidelityChecker(self.embedder)
        verifier = CrossEncoderVerifier(threads=s.fidelity_threads)
        stage = JudgeStage(self.claim_judge, fitted_decisions(), mode) if mode != "off" else None
        return FidelityChecker(self.embedder, verifier, fitted(), windows=s.fidelity_windows, stage=stage)

    @cached_property
    def claim_judge(self) -> ClaimJudge:
        """The language model asked one claim at a time (the fidelity decision's judge)."""
        return ClaimJudge(lambda: self.llm, load_prompt(self.settings.prompts_dir, "fidelity-claim"))

    @cached_property
    def keyword_index(self) -> KeywordIndex:
        return KeywordIndex(self.store)

    def retriever(self, article_id: str | None = None) -> HybridRetriever:
        return HybridRetriever(
            store=self.store,
            embedder=self.embedder,
            keyword_index=self.keyword_index,
            k=self.settings.qa_passages,
            article_id=article_id,
        )

    @cached_property
    def qa(self) -> QAService:
        return QAService(
            self.retriever,
            lambda: self.llm,
            self.checker,
            load_prompt(self.settings.prompts_dir, "qa-answer"),
            self.settings.qa_min_cosine,
            self.settings.qa_excerpt_chars,
            QAPolicy(**dict.fromkeys(self.settings.qa_rules_off, False)),
        )

    def with_collection(self, collection: str, **overrides: object) -> Newsdesk:
        """Another index in the same data directory, sharing the loaded models and the LLM server."""
        other = Newsdesk(self.settings.model_copy(update={"collection": collection, **overrides}))
        for shared in ("embedder", "local_server", "checker"):
            other.__dict__[shared] = getattr(self, shared)
        if "llm" in self.__dict__:
            other.__dict__["llm"] = self.llm
        return other

    @cached_property
    def rewriter(self) -> RewriteService:
        prompt = load_prompt(self.settings.prompts_dir, "rewrite-sentence")
        policy = replace(
            policy_without(self.settings.rewrite_rules_off),
            keep_quotations=self.settings.rewrite_keep_quotations,
            draws=self.settings.rewrite_draws,
        )
        return RewriteService(lambda: self.llm, self.checker, prompt, policy)
