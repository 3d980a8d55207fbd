"""What a round's application form asks beyond the built-in sections: its own
sections and their typed questions, and the documents groups must upload.

The built-in sections (about your group, your idea, who will benefit, budget,
documents, declarations) feed structured data and stay in code; each round adds
sections of its own, shown in the task list in order, between the budget and
the documents.

A question's ``key`` is set when it is made and never changes: groups' answers
are stored under it (``Application.answers[section key][question key]``). A
question taken out after groups answered it is kept with ``removed`` set, so
its answers stay readable as "no longer asked".
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.infra.i18n import _l
from portal.models.base import Base, enum_column

if TYPE_CHECKING:
    from portal.models.funding import Round


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    WHOLE_NUMBER = "whole_number"
    MONEY = "money"
    YES_NO = "yes_no"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    DATE = "date"
    FILE = "file"

    @property
    def label(self) -> str:
        return QUESTION_KIND_LABELS[self]

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)


QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text (one line)"),
    QuestionKind.LONG_TEXT: _l("Long text, with a word limit"),
    QuestionKind.WHOLE_NUMBER: _l("Whole number"),
    QuestionKind.MONEY: _l("Amount of money, in pounds"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.ONE_CHOICE: _l("One choice from a list"),
    QuestionKind.SEVERAL_CHOICES: _l("Several choices from a list"),
    QuestionKind.DATE: _l("A date"),
    QuestionKind.FILE: _l("A file upload"),
}


class RoundSection(Base):
    __tablename__ = "round_sections"
    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # Stable: the section's answers and its save history are stored under it.
    key: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]
    # In a two-stage round: asked in the expression of interest as well as in the full application.
    at_expression_of_interest: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="question_sections")
    questions: Mapped[list[RoundQuestion]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="RoundQuestion.position"
    )

    @property
    def asked(self) -> list[RoundQuestion]:
        return [q for q in self.questions if not q.removed]


class RoundQuestion(Base):
    __tablename__ = "round_questions"
    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("round_sections.id", ondelete="CASCADE"), index=True)
    # Stable for the life of the round: answers are stored under it.
    key: Mapped[str] = mapped_column(String(20))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    question: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    word_limit: Mapped[int | None]
    # The choices of a one-choice or several-choices question, in order.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int]
    removed: Mapped[bool] = mapped_column(default=False)

    section: Mapped[RoundSection] = relationship(back_populates="questions")


class RoundDocument(Base):
    """Whether a round requires one kind of document (an ``EvidenceKind`` value).

    A round with no rows follows the standing rules (a governing document from
    groups that have one, a bank statement, a safeguarding policy from projects
    working with people at risk); once set, each kind is required or not as set.
    """

    __tablename__ = "round_documents"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    required: Mapped[bool] = mapped_column(default=True)
