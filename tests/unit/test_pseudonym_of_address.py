"""A pseudonym per person on every channel (SPEC §13): Telegram people keep theirs."""

from core.address import Address
from tips.anonymity import Anonymizer

ANONYMIZER = Anonymizer(b"k" * 32)


def test_a_telegram_person_keeps_the_pseudonym_of_their_user_id():
    assert ANONYMIZER.pseudonym_of_address(Address("telegram", "42")) == (
        ANONYMIZER.pseudonym_for(42))


def test_people_of_other_channels_get_pseudonyms_of_their_own():
    zalo = ANONYMIZER.pseudonym_of_address(Address("zalo_oa", "user:42"))
    sms = ANONYMIZER.pseudonym_of_address(Address("sms", "42"))
    assert len({zalo, sms, ANONYMIZER.pseudonym_for(42)}) == 3
    assert zalo == ANONYMIZER.pseudonym_of_address(Address("zalo_oa", "user:42"))
    assert "42" not in zalo and len(zalo) == 64
