"""Grounds to refuse (L9) and the ways a hearing is held (R15.2), as the order words them."""

from __future__ import annotations

import enum

__all__ = ["HearingMode", "RefusalGround"]


class RefusalGround(enum.StrEnum):
    """L9 (line 370): two limbs of ground 1 and the missing consent of ground 2."""

    NEGATIVE_APPROVAL_ANSWER = "negative_approval_answer"  # 1) a negative answer to a request
    NEGATIVE_CONCLUSION = "negative_conclusion"  # 1) of an examination, study or inspection
    NO_PERSONAL_DATA_CONSENT = "no_personal_data_consent"  # 2) Law on Personal Data, art. 8

    @property
    def l9_item(self) -> int:
        return 2 if self is RefusalGround.NO_PERSONAL_DATA_CONSENT else 1


class HearingMode(enum.StrEnum):
    """R15.2 (lines 67–71): the three ways the provider holds a hearing."""

    # An invitation by video conference or other means of communication (a phone call too, so a
    # link is given where there is one — a video call — and is not required by the mode).
    VIDEO_OR_COMMUNICATION = "video_or_communication"
    INFORMATION_SYSTEMS = "information_systems"  # through the information systems
    OTHER_MEANS = "other_means"  # any other means that lets the person state their position
