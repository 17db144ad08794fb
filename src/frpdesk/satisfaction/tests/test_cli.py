from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frpdesk.customers.models import Customer
from frpdesk.satisfaction.models import SurveyImport, SurveyResponse


@pytest.mark.django_db
def test_import_survey_prints_the_summary_and_is_idempotent(
    contoso: Customer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "q3.csv"
    file.write_text(
        "Tenant;Response date;Satisfaction;Verbatim\n"
        "Contoso Pharmaceuticals;3/31/2026;Very satisfied;Quick answers\n"
        f"{contoso.tenant_id};4/1/2026;Very dissatisfied;\n",
        encoding="utf-8-sig",
    )

    call_command("import_survey", str(file))
    call_command("import_survey", str(file))

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "q3.csv: 2 responses of 1 customer, 2026-03-31 to 2026-04-01; NSAT of the file 100.0."
    )
    assert out[1].startswith("q3.csv: already imported on ")
    assert (SurveyImport.objects.count(), SurveyResponse.objects.count()) == (1, 2)


@pytest.mark.django_db
def test_import_survey_bad_file_exits_2(contoso: Customer, tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(f"Tenant ID,Date,Response\n{contoso.tenant_id},2026-03-31,Good\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_survey", str(file))
    assert failure.value.returncode == 2
    assert str(failure.value).startswith("bad.csv, row 2, column Response: “Good” is not")
    with pytest.raises(CommandError) as missing:
        call_command("import_survey", str(tmp_path / "none.csv"))
    assert missing.value.returncode == 2
    assert not SurveyResponse.objects.exists()
