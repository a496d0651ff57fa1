import csv
import io

from workshop.protocol.csv import csv_bytes, neutralise

from .conftest import FORMULA_IDEA
from .helpers import archive_of, document_from_archive


def test_neutralise_formulas():
    for cell in ('=1+1', '+49 170', '-2', '@SUM(A1)', '\tx', '\rx'):
        assert neutralise(cell) == "'" + cell
    assert neutralise('Text mit = Zeichen') == 'Text mit = Zeichen' and neutralise(None) == ''


async def test_all_ideas_with_status_and_no_formulas(db, ran):
    content = csv_bytes(await document_from_archive(db, await archive_of(db, ran.links.workshop_id)))
    assert content.startswith(b'\xef\xbb\xbf')  # Excel reads UTF-8 only with the byte order mark
    rows = list(csv.reader(io.StringIO(content.decode('utf-8-sig')), delimiter=';'))
    assert rows[0] == ['Thema', 'Durchlauf', 'Workshop', 'Leitfrage', 'Beitrag', 'Punkte', 'Überschrift', 'Status',
                       'Zeit', 'Cluster', 'Clusterfarbe', 'Cluster-Reihenfolge']  # new columns at the end
    by_text = {r[4]: r for r in rows[1:]}
    assert len(rows) - 1 == len(ran.visible) + len(ran.hidden) + len(ran.merged)
    door = by_text['Wirtschaftsförderung der Region als „Türöffner“ für KMU']
    assert door[:4] == ['1. Entstehung von Netzwerken und Clustern', 'Durchlauf 1', 'W 1.1',
                        '1. Wer sind die Initiatoren und Organisationen Ihres Clusters/Netzwerks?']
    assert door[5:8] == ['3', 'Öffentliche Hand & Wissenschaft', 'sichtbar']
    assert by_text['Kaufen Sie jetzt günstige Uhren'][7] == 'ausgeblendet (Missbrauch)'
    assert by_text['Wirtschaftsförderung als Türöffner'][7] == 'mit anderem Beitrag zusammengeführt'
    assert "'" + FORMULA_IDEA in by_text  # a spreadsheet shows it as text, it does not run it
    assert by_text['Landesministerium als Initiator von Clustern'][1:3] == ['Durchlauf 2', 'W 2.1']
    assert by_text['Strategie als gemeinsamer Kompass für die Mitglieder'][3].startswith('1b. ')
