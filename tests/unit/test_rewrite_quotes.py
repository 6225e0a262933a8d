from service.rewrite.quotes import mask_quotes, unmask_quotes

CERF = (
    "“In today’s world, those letters would be emails and the chances of finding them will be vanishingly small"
    " one hundred years from now,” said Cerf."
)


def test_a_quotation_reaches_the_model_as_a_placeholder_and_comes_back_verbatim() -> None:
    masked, quotes = mask_quotes(CERF)
    assert masked == "“QUOTE1” said Cerf." and quotes[0].startswith("In today’s world")
    assert unmask_quotes("Cerf said: “QUOTE1”", quotes) == "Cerf said: “" + quotes[0] + "”"
    assert unmask_quotes("Cerf said: “quote 1”", quotes).endswith(quotes[0] + "”")  # the model's spelling of it


def test_short_quotations_stay_and_a_dropped_placeholder_stays_dropped() -> None:
    masked, quotes = mask_quotes('A "dangerous" plan, he said, "will cost us all dearly" in the end.')
    assert masked == 'A "dangerous" plan, he said, "QUOTE1" in the end.' and quotes == ["will cost us all dearly"]
    assert unmask_quotes("He called the plan dangerous.", quotes) == "He called the plan dangerous."
    many = " ".join(f"“word word word word {n}”" for n in range(1, 12))
    masked, quotes = mask_quotes(many)
    assert unmask_quotes(masked, quotes) == many  # QUOTE11 is not QUOTE1 followed by a 1
