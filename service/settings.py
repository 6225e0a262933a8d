"""One settings object for all of newsdesk, read from NEWSDESK_* variables and .env."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Every knob newsdesk has. Field descriptions make docs/configuration.md (service/settings_doc.py)."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", env_file=".env", extra="ignore", validate_default=True)

    data_dir: Path = Field(Path("data"), description="Where newsdesk writes everything (index, models, reports).")
    chroma_url: str | None = Field(
        None, description="Chroma server URL (e.g. http://127.0.0.1:8000); unset = embedded on-disk Chroma."
    )
    collection: str = Field("newsdesk", description="Name prefix of the Chroma collections.")
    chunk_size: int = Field(700, ge=100, le=8000, description="Chunk length in characters.")
    chunk_overlap: int = Field(100, ge=0, description="Characters shared by neighbouring chunks.")
    embeddings: Literal["minilm", "openai"] = Field(
        "minilm", description="Embedding backend: the bundled offline MiniLM, or an OpenAI-compatible API."
    )
    embedding_model: str = Field(
        "text-embedding-3-small", description="Embedding model name when NEWSDESK_EMBEDDINGS=openai."
    )
    embed_threads: int = Field(2, ge=1, le=64, description="CPU threads for the offline embedding model.")
    fidelity_model: Literal["verifier", "lexical"] = Field(
        "verifier",
        description="How claims are checked: `verifier` (the cross-encoder trained for newsdesk, with word-overlap "
        "signals and rules for names and numbers) or `lexical` (word overlap, embeddings and rules only: about "
        "two thirds of the checking time, more faithful paraphrases flagged; see docs).",
    )
    fidelity_judge: Literal["auto", "always", "off"] = Field(
        "auto",
        description="The language model in the fidelity decision, one claim at a time with the source as a cached "
        "prefix: `auto` sends it the claims the fast checker is unsure of (a band fitted per kind of check), "
        "`always` every claim, `off` none (the fast checker alone). Needs the verifier (not with "
        "NEWSDESK_FIDELITY_MODEL=lexical). Runs on the configured model (embedded, or NEWSDESK_LLM_BASE_URL / "
        "OPENAI_API_KEY: the endpoint must return log-probabilities).",
    )
    fidelity_windows: int = Field(
        3, ge=1, le=20, description="Source windows per claim that reach the verifier (picked by cheap signals)."
    )
    fidelity_threads: int = Field(
        2, ge=1, le=64, description="CPU threads for the fidelity verifier (it runs after the answer is generated)."
    )
    embed_batch_size: int = Field(
        4, ge=1, le=512, description="Texts per run of the offline embedding model (on CPU, small runs are faster)."
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("NEWSDESK_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="API key for OpenAI (also read from OPENAI_API_KEY).",
    )
    openai_base_url: str | None = Field(
        None, description="Base URL of an OpenAI-compatible embeddings API (default: OpenAI's)."
    )
    llm_backend: Literal["auto", "local", "openai"] = Field(
        "auto",
        description="auto: NEWSDESK_LLM_BASE_URL if set, else OpenAI if a key is set, else the embedded local model.",
    )
    llm_base_url: str | None = Field(
        None, description="Any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio), e.g. http://host:port/v1."
    )
    llm_model: str | None = Field(
        None,
        description="Model name at the endpoint (default: 'local' for the embedded model, gpt-4o-mini for OpenAI).",
    )
    llm_timeout_s: float = Field(
        240.0, gt=0, description="Longest wait for the model's first token or next token, in seconds."
    )
    llm_max_retries: int = Field(2, ge=0, le=10, description="Retries on connection errors, 429 and 5xx answers.")
    llm_max_tokens: int = Field(512, ge=1, le=32768, description="Longest answer the model may write, in tokens.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature (0 = most deterministic).")
    local_gguf: Path | None = Field(
        None, description="Use this GGUF file for the embedded model instead of the bundled Qwen2.5-Coder-1.5B."
    )
    llm_cache_dir: Path | None = Field(
        None,
        description="Replay model answers recorded in this folder for identical requests (deterministic re-runs, "
        "e.g. of evals in CI; `newsdesk eval --cache`); unset = no cache.",
    )
    local_runtime: Literal["auto", "xllamacpp", "native", "llama-cpp-python"] = Field(
        "auto",
        description="Server for the embedded model: `auto` uses the faster of the prebuilt and the native runtime "
        "as last measured on this machine (`make native` builds and measures), the prebuilt one until then; "
        "`xllamacpp` llama.cpp's own server from the prebuilt wheel; `native` the same server compiled for this "
        "CPU; `llama-cpp-python` its server (not installed by default: it compiles llama.cpp).",
    )
    local_threads: int = Field(
        1, ge=1, le=64, description="CPU threads the embedded model generates with (docs/benchmarks.md: 1 and 2)."
    )
    local_prompt_threads: int = Field(
        0,
        ge=0,
        le=64,
        description="CPU threads the embedded model reads prompts with (generation keeps `NEWSDESK_LOCAL_THREADS`); "
        "0 = two where this process may use two CPUs, never fewer than `NEWSDESK_LOCAL_THREADS` (docs/benchmarks.md).",
    )
    local_speculative: Literal["off", "lookup"] = Field(
        "off",
        description="Speculative decoding for the embedded model: `lookup` proposes draft tokens copied from the "
        "prompt and verifies them in one batch. Off by default: on one thread of the measured CPUs a batch costs "
        "about as much per token as plain decoding, so it did not pay (docs/benchmarks.md).",
    )
    local_ctx: int = Field(4096, ge=512, le=32768, description="Context window of the embedded model, in tokens.")
    local_port: int = Field(0, ge=0, le=65535, description="Port of the embedded model server (0 = any free port).")
    local_startup_s: float = Field(180.0, gt=0, description="Longest wait for the embedded model server to start.")
    qa_passages: int = Field(3, ge=1, le=12, description="Passages given to the model per question.")
    qa_excerpt_chars: int = Field(
        400, ge=0, le=8000, description="Each passage cut to its sentences nearest the question (0 = whole chunks)."
    )
    qa_min_cosine: float = Field(
        0.2, ge=0, le=1, description="Below this best passage similarity, answer 'the articles don't say' at once."
    )
    qa_rules_off: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Q&A rules to switch off, for measurement (comma-separated): second_look, "
        "echo, repair_citations, withhold, question_names (each rule's reason: docs/qa.md).",
    )
    rewrite_rules_off: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Rewrite rules to switch off, for measurement (comma-separated): split_clauses, "
        "name_hard_words, sample_candidate, draw_to_rescue, retry_to_rescue, skip_plain, retry, require_easier, "
        "keep_original, drop_repeats, judge_passes, quotes_as_said, questions_asked, number_words, "
        "verbatim_quotations, attribution (docs/rewrite.md).",
    )
    rewrite_draws: int = Field(
        3,
        ge=0,
        le=8,
        description="Candidates drawn at a temperature, one after another, for a sentence whose greedy attempts "
        "all fail, until one passes the check (docs/rewrite.md).",
    )
    rewrite_keep_quotations: bool = Field(
        False,
        description="Keep a sentence that is a quotation and its attribution as said, with no model call: the "
        "rewrite then never changes a speaker's words, and interview-heavy articles stay harder (docs/rewrite.md).",
    )
    max_file_mb: float = Field(10.0, gt=0, description="Largest file or download accepted, in MB.")
    max_article_chars: int = Field(500_000, ge=1000, description="Longest article text accepted, in characters.")
    fetch_timeout_s: float = Field(15.0, gt=0, description="Time limit for fetching one URL, in seconds.")
    datasets_dir: Path = Field(
        PROJECT_ROOT / "evals" / "datasets",
        description="Public benchmark data (FRANK, OneStopEnglish rows, shipped with their licences) for evals and "
        "benchmarks.",
    )
    evals_dir: Path = Field(
        PROJECT_ROOT / "evals", description="Eval datasets and the built-in suite files (suites/*.toml)."
    )
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Prompt templates (versioned TOML files).")
    allow_private_urls: bool = Field(
        False, description="Allow fetching loopback/private/link-local addresses (off: SSRF protection)."
    )
    host: str = Field("127.0.0.1", description="Address the web UI binds to (`newsdesk serve --host`).")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web UI (`newsdesk serve --port`).")
    auth: SecretStr | None = Field(
        None, description="Web UI login: `user:password`, or the path of a file with one `user:password` per line."
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines on stderr: `text` for people, `json` (one object per line) for log shippers."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Least severe log level written (INFO logs every question, rewrite and ingest)."
    )
    ui_queue_size: int = Field(
        64, ge=1, le=10_000, description="Requests that may wait in the web UI's queue before new ones are turned away."
    )

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, value: str) -> str:
        ok = 3 <= len(value) <= 50 and value.replace("-", "").replace("_", "").isalnum()
        if not ok:
            raise ValueError("use 3-50 letters, digits, '-' or '_'")
        return value

    @field_validator("qa_rules_off", "rewrite_rules_off", mode="before")
    @classmethod
    def _rules(cls, value: object, info: ValidationInfo) -> object:
        from service.qa.policy import RULES
        from service.rewrite.unit_check import SWITCHES

        kind, known = ("Q&A", RULES) if info.field_name == "qa_rules_off" else ("rewrite", SWITCHES)
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in value if v not in known] if isinstance(value, list) else []
        if unknown:
            raise ValueError(f"unknown {kind} rule(s) {', '.join(map(str, unknown))} (rules: {', '.join(known)})")
        return value

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, value: str | None) -> str | None:
        if value:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError("must look like http://host:port")
        return value or None

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size // 2:
            raise ValueError("chunk_overlap must be less than half of chunk_size")
        return self

    @field_validator("llm_base_url", "openai_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and urlparse(value).scheme not in ("http", "https"):
            raise ValueError("must start with http:// or https://")
        return value or None

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def llm_dir(self) -> Path:
        return self.data_dir / "llm"


def load_settings(**overrides: object) -> Settings:
    """Build and validate the settings, turning pydantic's report into one readable ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            where = f"NEWSDESK_{field.upper()}: " if field else ""
            problems.append(where + str(err["msg"]).removeprefix("Value error, "))
        raise ConfigError("invalid settings: " + "; ".join(problems)) from None
