from assistant.knowledge.german_analysis import analyze, fold


def test_umlaut_spellings_meet():
    assert analyze("Förderung") == analyze("Foerderung") == analyze("FÖRDERUNG")
    assert fold("Straße") == "strasse"


def test_stemming_joins_inflections():
    assert analyze("Förderungen")[0] == analyze("Förderung")[0]
    assert analyze("Digitalisierung") == analyze("digitalisierung")


def test_stop_words_are_dropped():
    assert analyze("Welche Förderung gibt es für die Beratung?") == analyze("Förderung Beratung")
