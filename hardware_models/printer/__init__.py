"""The receipt printer: ESC/POS in, paper out; its UnifiedPOS control; the POS receipt."""

from hardware_models.printer.layout import receipt_bytes
from hardware_models.printer.printer import Fault, ReceiptPrinter
from hardware_models.printer.receipt import Barcode, Image, LineStyle, QrCode, Receipt
from hardware_models.printer.service import PosPrinter, PrintResult, ReceiptSpool
from hardware_models.printer.settings import PrinterSettings

__all__ = [
    "Barcode",
    "Fault",
    "Image",
    "LineStyle",
    "PosPrinter",
    "PrintResult",
    "PrinterSettings",
    "QrCode",
    "Receipt",
    "ReceiptPrinter",
    "ReceiptSpool",
    "receipt_bytes",
]
